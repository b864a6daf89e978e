//! `decode --kernel RELEASE`: the decoded codes that release cannot emit. A [`Sink`] that
//! passes everything on unchanged and checks the kernel error code (`enum iscsi_err`) of each
//! event with `explain::release`; after the report it lists on
//! standard error the codes the release does not have (with since when they exist), so a log
//! that does not match the kernel the user thinks it came from shows.

use std::collections::BTreeMap;
use std::io::{self, Write};

use iscsi_decode::decode::Fact;
use iscsi_decode::decode::Incident;
use iscsi_decode::decode::{Render, Sink, Summary};
use iscsi_decode::explain::Space;
use iscsi_decode::explain::release::{KernelRelease, Presence, ReleaseCheck};

/// One code the release does not have: how often it was seen and where first.
struct Seen {
    check: ReleaseCheck,
    lines: u64,
    first: (usize, u64),
}

/// Wraps the report's sink; see the module docs.
pub struct KernelCheck<'a> {
    inner: &'a mut dyn Sink,
    asked: String,
    release: KernelRelease,
    names: Vec<String>,
    absent: BTreeMap<(&'static str, i128), Seen>,
}

impl<'a> KernelCheck<'a> {
    /// Checks against `asked` (`2.6.18`, `3.10.0-1160.el7.x86_64`); `Err` with a message when
    /// it names no tracked release.
    pub fn new(inner: &'a mut dyn Sink, asked: &str, names: &[String]) -> Result<Self, String> {
        let release = KernelRelease::new(asked);
        if !release.is_known() {
            return Err(if iscsi_decode::explain::release::is_version(asked) {
                format!("--kernel {asked}: older than every tracked kernel release")
            } else {
                format!(
                    "--kernel {asked}: not a kernel release; write it as 2.6.18, v2.6.18 or \
                     3.10.0-1160.el7.x86_64"
                )
            });
        }
        Ok(KernelCheck {
            inner,
            asked: asked.trim().to_string(),
            release,
            names: names.to_vec(),
            absent: BTreeMap::new(),
        })
    }

    fn note(&mut self, file: usize, line: u64, space: Space, value: i128) {
        let c = self.release.check(space, value);
        if matches!(c.presence, Presence::Present | Presence::Untracked) {
            return;
        }
        self.absent
            .entry((space.as_str(), value))
            .and_modify(|s| s.lines += 1)
            .or_insert(Seen {
                check: c,
                lines: 1,
                first: (file, line),
            });
    }

    /// Writes the codes the release does not have (nothing when there are none).
    fn report(&self, err: &mut dyn Write) -> io::Result<()> {
        if self.absent.is_empty() {
            return Ok(());
        }
        writeln!(
            err,
            "iscsi-decode: --kernel {}: {} decoded code(s) that release does not have \
             (or may not have):",
            self.asked,
            self.absent.len()
        )?;
        for s in self.absent.values() {
            let mut sentence = String::new();
            let _ = s.check.write_sentence(&mut sentence, &self.asked);
            let file = self.names.get(s.first.0).map_or("-", String::as_str);
            writeln!(
                err,
                "  {} {}: {} line(s), first {file}:{}. {sentence}.",
                s.check.space, s.check.value, s.lines, s.first.1
            )?;
        }
        Ok(())
    }
}

impl Sink for KernelCheck<'_> {
    // The provided methods not written here are forwarded to `inner` as they are (see
    // `Sink::inner`; forwarding_tests.rs checks each).
    fn inner(&mut self) -> Option<&mut dyn Sink> {
        Some(&mut *self.inner)
    }

    fn renderer(&self) -> Box<dyn Render> {
        self.inner.renderer()
    }

    fn write(&mut self, out: &[u8]) -> io::Result<()> {
        self.inner.write(out)
    }

    fn fact(&mut self, file: usize, fact: &Fact) -> io::Result<()> {
        // Only the kernel's own error codes: iscsid prints its connection state from its own
        // enum, and login statuses come from the target, whatever the kernel release.
        if let Some(k) = fact.kerr {
            self.note(file, fact.line, Space::IscsiErr, i128::from(k));
        }
        self.inner.fact(file, fact)
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
