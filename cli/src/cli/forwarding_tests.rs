//! The wrapping sinks ([`FilterSink`], [`KernelCheck`], [`WordingCheck`]) pass on to the
//! sink they wrap every [`Sink`] method they are given: the calls below cover every method
//! of the trait (read from its source, so that a method added there fails here until it is
//! called), and each wrapper, around a sink that records what reaches it, must let every
//! call through (with no filter, no release and no code to report).

use super::filter::{Filter, FilterArgs, FilterSink};
use super::kernel_check::KernelCheck;
use super::wording_check::WordingCheck;
use iscsi_decode::decode::{self, Event, Fact, Incident, Options, Render, Sink, Summary};
use std::cell::RefCell;
use std::io;

/// The methods of `trait Sink`, from its source.
fn trait_methods() -> Vec<String> {
    let src = include_str!("../../../decode/src/decode/run.rs");
    let start = src
        .find("\npub trait Sink {")
        .expect("trait Sink in run.rs");
    let body = &src[start..start + src[start..].find("\n}\n").expect("the trait's end")];
    body.lines()
        .filter_map(|l| l.trim_start().strip_prefix("fn "))
        .map(|l| l[..l.find(['(', '<']).expect("a method")].to_string())
        .collect()
}

struct NoRender;

impl Render for NoRender {
    fn event(&mut self, _: usize, _: &Event<'_>, _: &mut Vec<u8>, _: &mut Vec<u8>) {}
}

/// Records the name of each method called on it.
#[derive(Default)]
struct Recorder {
    calls: RefCell<Vec<&'static str>>,
}

impl Recorder {
    fn record(&self, name: &'static str) -> io::Result<()> {
        self.calls.borrow_mut().push(name);
        Ok(())
    }
}

// Every method spelled out (clippy denies a provided one left to its default), so that
// each records its call.
#[deny(clippy::missing_trait_methods)]
impl Sink for Recorder {
    fn inner(&mut self) -> Option<&mut dyn Sink> {
        None
    }
    fn begin_input(&mut self, _: usize, _: &str) -> io::Result<()> {
        self.record("begin_input")
    }
    fn renderer(&self) -> Box<dyn Render> {
        let _ = self.record("renderer");
        Box::new(NoRender)
    }
    fn write(&mut self, _: &[u8]) -> io::Result<()> {
        self.record("write")
    }
    fn detail(&mut self, _: &[u8]) -> io::Result<()> {
        self.record("detail")
    }
    fn fact(&mut self, _: usize, _: &Fact) -> io::Result<()> {
        self.record("fact")
    }
    fn tied_to_iscsi(&mut self, _: &mut [u8]) {
        let _ = self.record("tied_to_iscsi");
    }
    fn joined_incident(&mut self, _: usize, _: u64) {
        let _ = self.record("joined_incident");
    }
    fn incident(&mut self, _: &Incident) -> io::Result<()> {
        self.record("incident")
    }
    fn write_chunk(&mut self, _: &[u8], _: &[(usize, Incident)]) -> io::Result<()> {
        self.record("write_chunk")
    }
    fn finish(&mut self, _: &Summary) -> io::Result<()> {
        self.record("finish")
    }
    fn live(&mut self) -> io::Result<()> {
        self.record("live")
    }
    fn opened(&mut self, _: &Incident) -> io::Result<()> {
        self.record("opened")
    }
    fn still_open(&mut self, _: &Incident) -> io::Result<()> {
        self.record("still_open")
    }
    fn flush(&mut self) -> io::Result<()> {
        self.record("flush")
    }
}

/// A fact, an incident and the summary of a short log.
fn decoded() -> (Fact, Incident, Summary) {
    struct Keep(Vec<Fact>, Vec<Incident>);
    impl Sink for Keep {
        fn renderer(&self) -> Box<dyn Render> {
            Box::new(NoRender)
        }
        fn write(&mut self, _: &[u8]) -> io::Result<()> {
            Ok(())
        }
        fn fact(&mut self, _: usize, fact: &Fact) -> io::Result<()> {
            self.0.push(fact.clone());
            Ok(())
        }
        fn incident(&mut self, inc: &Incident) -> io::Result<()> {
            self.1.push(inc.clone());
            Ok(())
        }
        fn finish(&mut self, _: &Summary) -> io::Result<()> {
            Ok(())
        }
    }
    let log = "Mar  3 10:00:01 node1 kernel:  connection3:0: detected conn error (1022)\n\
               Mar  3 10:00:30 node1 iscsid: connection3:0 is operational after recovery (2 attempts)\n";
    let mut keep = Keep(Vec::new(), Vec::new());
    let opts = Options {
        threads: 1,
        ..Options::default()
    };
    let summary = decode::run_text(log, &opts, &mut keep).unwrap();
    (keep.0.remove(0), keep.1.remove(0), summary)
}

/// Calls every method of `sink` once; returns their names in the order called.
fn call_every_method(sink: &mut dyn Sink) -> Vec<&'static str> {
    let (fact, inc, summary) = decoded();
    let mut out = b"line\n".to_vec();
    let _ = sink.inner();
    sink.begin_input(0, "a.log").unwrap();
    drop(sink.renderer());
    sink.write(&out).unwrap();
    sink.detail(&out).unwrap();
    sink.fact(0, &fact).unwrap();
    sink.tied_to_iscsi(&mut out);
    sink.joined_incident(out.len(), inc.seq);
    sink.incident(&inc).unwrap();
    sink.write_chunk(&out, &[(out.len(), inc.clone())]).unwrap();
    sink.live().unwrap();
    sink.opened(&inc).unwrap();
    sink.still_open(&inc).unwrap();
    sink.flush().unwrap();
    sink.finish(&summary).unwrap();
    vec![
        "inner",
        "begin_input",
        "renderer",
        "write",
        "detail",
        "fact",
        "tied_to_iscsi",
        "joined_incident",
        "incident",
        "write_chunk",
        "live",
        "opened",
        "still_open",
        "flush",
        "finish",
    ]
}

/// What reaches the recorder: every call but `inner` (the wrapper's own).
fn forwarded(called: &[&'static str]) -> Vec<&'static str> {
    called.iter().copied().filter(|&m| m != "inner").collect()
}

#[test]
fn the_calls_cover_every_sink_method() {
    let mut rec = Recorder::default();
    let mut called: Vec<String> = call_every_method(&mut rec)
        .iter()
        .map(|s| s.to_string())
        .collect();
    let mut methods = trait_methods();
    assert!(methods.contains(&"write_chunk".to_string()), "{methods:?}");
    called.sort();
    methods.sort();
    assert_eq!(called, methods, "call_every_method calls each Sink method");
    // And the recorder records each (but `inner`).
    let recorded = rec.calls.into_inner();
    assert_eq!(recorded.len(), called.len() - 1, "{recorded:?}");
}

#[test]
fn each_wrapper_forwards_every_sink_method() {
    let names = vec!["a.log".to_string()];
    let args = FilterArgs::default();

    let mut rec = Recorder::default();
    let called = {
        let filter = Filter::new(&args, &names, &Default::default()).unwrap();
        let mut w = FilterSink::new(&mut rec, filter, &args, &names);
        call_every_method(&mut w)
    };
    assert_eq!(rec.calls.into_inner(), forwarded(&called), "FilterSink");

    let mut rec = Recorder::default();
    let called = {
        let mut w = KernelCheck::new(&mut rec, "6.1", &names).unwrap();
        call_every_method(&mut w)
    };
    assert_eq!(rec.calls.into_inner(), forwarded(&called), "KernelCheck");

    let mut rec = Recorder::default();
    let called = {
        let mut w = WordingCheck::new(&mut rec, Vec::new(), &names);
        call_every_method(&mut w)
    };
    assert_eq!(rec.calls.into_inner(), forwarded(&called), "WordingCheck");
}
