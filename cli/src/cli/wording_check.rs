//! `decode --kernel` / `--open-iscsi RELEASE`: the wordings of the log that release cannot
//! print. A [`Sink`] that passes everything on unchanged; its renderers (on the worker
//! threads) ask the library whether the release prints each event's wording
//! (`Event::printed_by`), and after the report it lists on standard error, grouped by
//! wording, the lines that cannot come from the release (a log of another machine or
//! release, or a vendor's patch), and those the facts cannot tell.

use std::collections::{BTreeMap, HashMap};
use std::io::{self, Write};
use std::sync::{Arc, Mutex, PoisonError};

use iscsi_decode::decode::{
    Event, Incident, OriginRelease, Place, Printed, Render, Sink, Summary, Verdict,
};
use iscsi_decode::report::escaped;

/// A wording of the log a release does not (or may not) print.
struct Seen {
    /// The call site the lines matched: its format, function and file.
    format: &'static str,
    function: &'static str,
    file: &'static str,
    verdict: Verdict,
    lines: u64,
    /// The first line: (input, line number).
    first: (usize, u64),
}

/// What the renderers found, by release (its index) and wording (prefix, format).
type Found = BTreeMap<(usize, &'static str, &'static str), Seen>;

/// Wraps the report's sink; see the module docs.
pub struct WordingCheck<'a> {
    inner: &'a mut dyn Sink,
    releases: Arc<[OriginRelease]>,
    names: Vec<String>,
    found: Arc<Mutex<Found>>,
}

impl<'a> WordingCheck<'a> {
    /// Checks the wordings of each release's origin against it.
    pub fn new(inner: &'a mut dyn Sink, releases: Vec<OriginRelease>, names: &[String]) -> Self {
        WordingCheck {
            inner,
            releases: releases.into(),
            names: names.to_vec(),
            found: Arc::default(),
        }
    }

    /// Writes the wordings each release does not or may not print (nothing when there are
    /// none).
    fn report(&self, err: &mut dyn Write) -> io::Result<()> {
        let found = self.found.lock().unwrap_or_else(PoisonError::into_inner);
        for (i, r) in self.releases.iter().enumerate() {
            let of = |p: Printed| {
                found
                    .iter()
                    .filter(move |((k, _, _), s)| *k == i && s.verdict.printed == p)
                    .map(|(_, s)| s)
            };
            let option = match r.origin() {
                iscsi_decode::decode::Origin::Kernel => "--kernel",
                iscsi_decode::decode::Origin::OpenIscsi => "--open-iscsi",
            };
            let asked = escaped(r.asked());
            let absent: Vec<&Seen> = of(Printed::No).collect();
            if !absent.is_empty() {
                writeln!(
                    err,
                    "iscsi-decode: {option} {asked}: {} wording(s) of {} lines cannot come \
                     from that release (a log of another machine or release, or a vendor's \
                     patch):",
                    absent.len(),
                    r.origin().name()
                )?;
                for s in &absent {
                    self.line(err, r, s)?;
                }
            }
            let unknown: Vec<&Seen> = of(Printed::Unknown).collect();
            if unknown.is_empty() {
                continue;
            }
            if matches!(r.place(), Place::Older | Place::Newer) {
                // Every wording is unknown: one line says why.
                let tracked = r.origin().tracked();
                writeln!(
                    err,
                    "iscsi-decode: {option} {asked}: {} release, {} than every tracked one \
                     ({} … {}): its {} wording(s) of {} lines cannot be checked",
                    r.origin().name(),
                    if r.place() == Place::Older {
                        "older"
                    } else {
                        "newer"
                    },
                    tracked.first().copied().unwrap_or(""),
                    tracked.last().copied().unwrap_or(""),
                    unknown.len(),
                    r.origin().name()
                )?;
                continue;
            }
            writeln!(
                err,
                "iscsi-decode: {option} {asked}: {} wording(s) of {} lines the tracked \
                 releases cannot tell:",
                unknown.len(),
                r.origin().name()
            )?;
            for s in &unknown {
                self.line(err, r, s)?;
            }
        }
        Ok(())
    }

    /// One wording: `"format" (function() in file): N line(s), first log:3. Sentence.`
    fn line(&self, err: &mut dyn Write, r: &OriginRelease, s: &Seen) -> io::Result<()> {
        let name = self.names.get(s.first.0).map_or("-", String::as_str);
        writeln!(
            err,
            "  \"{}\" ({}() in {}): {} line(s), first {}:{}. {}.",
            escaped(s.format),
            s.function,
            s.file,
            s.lines,
            escaped(name),
            s.first.1,
            escaped(&s.verdict.sentence(r))
        )
    }
}

/// The renderer of one worker: the inner sink's, and the check of each event.
struct CheckRender {
    inner: Box<dyn Render>,
    releases: Arc<[OriginRelease]>,
    found: Arc<Mutex<Found>>,
    /// Verdicts by message id (events of one id have one message): (release, verdict).
    cache: HashMap<u64, Option<(usize, Verdict)>>,
}

/// Message ids whose verdict a renderer keeps before it empties its cache.
const CACHE: usize = 4096;

impl CheckRender {
    /// The first release of the event's origin, with its verdict.
    fn verdict(&self, ev: &Event<'_>) -> Option<(usize, Verdict)> {
        self.releases
            .iter()
            .enumerate()
            .find_map(|(i, r)| ev.printed_by(r).map(|v| (i, v)))
    }
}

impl Render for CheckRender {
    fn event(&mut self, file: usize, ev: &Event<'_>, out: &mut Vec<u8>, detail: &mut Vec<u8>) {
        self.inner.event(file, ev, out, detail);
        let got = match ev.message_id {
            Some(id) => {
                if self.cache.len() >= CACHE {
                    self.cache.clear();
                }
                if !self.cache.contains_key(&id) {
                    let v = self.verdict(ev);
                    self.cache.insert(id, v);
                }
                self.cache.get(&id).cloned().flatten()
            }
            None => self.verdict(ev),
        };
        let Some((i, verdict)) = got.filter(|(_, v)| v.printed != Printed::Yes) else {
            return;
        };
        let Some(source) = ev.source() else {
            return;
        };
        let mut found = self.found.lock().unwrap_or_else(PoisonError::into_inner);
        let at = (file, ev.line);
        found
            .entry((i, source.prefix, source.format))
            .and_modify(|s| {
                s.lines += 1;
                s.first = s.first.min(at);
            })
            .or_insert(Seen {
                format: source.format,
                function: source.function,
                file: source.file,
                verdict,
                lines: 1,
                first: at,
            });
    }

    fn unrecognised(&mut self, file: usize, line: u64, text: &str, out: &mut Vec<u8>) {
        self.inner.unrecognised(file, line, text, out);
    }
}

impl Sink for WordingCheck<'_> {
    // The provided methods not written here are forwarded to `inner` as they are (see
    // `Sink::inner`; forwarding_tests.rs checks each).
    fn inner(&mut self) -> Option<&mut dyn Sink> {
        Some(&mut *self.inner)
    }

    fn renderer(&self) -> Box<dyn Render> {
        Box::new(CheckRender {
            inner: self.inner.renderer(),
            releases: Arc::clone(&self.releases),
            found: Arc::clone(&self.found),
            cache: HashMap::new(),
        })
    }

    fn write(&mut self, out: &[u8]) -> io::Result<()> {
        self.inner.write(out)
    }

    fn incident(&mut self, inc: &Incident) -> io::Result<()> {
        self.inner.incident(inc)
    }

    fn finish(&mut self, summary: &Summary) -> io::Result<()> {
        self.inner.finish(summary)?;
        let mut err = io::stderr().lock();
        // A closed stderr is no reason to fail the run.
        let _ = self.report(&mut err);
        Ok(())
    }
}
