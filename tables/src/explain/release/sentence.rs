//! [`ReleaseCheck`] in words: the sentence `explain --kernel` and `decode --kernel` print,
//! and the JSON object of `explain --kernel --json`.

use core::fmt::{self, Write};

use super::{Presence, ReleaseCheck, Resolved, Tables};
use crate::explain::Space;
use crate::iscsi_if::IscsiConnState;

impl ReleaseCheck {
    /// Writes the answer as one sentence (no newline): `v2.6.18 does not have 1022 (in the
    /// tracked releases from v6.1.192, added after v2.6.33)`. `asked` is the release as the
    /// user wrote it.
    pub fn write_sentence<W: Write + ?Sized>(&self, out: &mut W, asked: &str) -> fmt::Result {
        let asked = asked.trim();
        if let Some(r) = self.release.filter(|r| !r.exact) {
            match (r.same_line, r.newer_than_tracked, r.next) {
                (true, _, _) => write!(
                    out,
                    "{asked} is read as {}, the tracked release of its line. ",
                    r.label
                )?,
                (false, true, _) => write!(
                    out,
                    "{asked} is newer than every tracked release; read as {}, the newest. ",
                    r.label
                )?,
                (false, false, Some(next)) => write!(
                    out,
                    "{asked} is not a tracked release; it lies between the tracked {} and \
                     {next}. ",
                    r.label
                )?,
                (false, false, None) => write!(out, "{asked} is read as {}. ", r.label)?,
            }
        }
        let what = Value(self);
        match (self.presence, self.release) {
            (Presence::Untracked, _) => {
                return write!(
                    out,
                    "{} values are not tracked per kernel release",
                    self.space
                );
            }
            (Presence::UnknownRelease, _) => {
                let oldest = Tables::of_space(self.space).and_then(|t| t.labels().next());
                return match (self.parses_as_version(asked), oldest) {
                    (true, Some(o)) => write!(
                        out,
                        "{asked} is older than every tracked release (the oldest is {o})"
                    ),
                    _ => write!(out, "{asked} names no kernel release"),
                };
            }
            (Presence::Present, Some(r)) if self.space == Space::ConnState => {
                return self.conn_state_sentence(out, r);
            }
            (Presence::Present, Some(r)) => write!(out, "{} has {what}", r.label)?,
            (Presence::Absent, Some(r)) => write!(out, "{} does not have {what}", r.label)?,
            (Presence::Unsure, Some(r)) => {
                let (here, there) = if self.has_in(r.index) {
                    ("has", "lacks")
                } else {
                    ("lacks", "has")
                };
                write!(
                    out,
                    "The tables cannot tell whether {asked} has {what}: {} {here} it and {} \
                     {there} it",
                    r.label,
                    r.next.unwrap_or("the next"),
                )?
            }
            _ => return Ok(()),
        }
        match (self.since, self.until) {
            (None, _) | (_, None) => write!(out, "; no tracked release has it")?,
            (Some(s), Some(u)) => {
                if self.in_latest {
                    write!(out, " (in the tracked releases from {s}")?;
                } else if s == u {
                    write!(out, " (only in the tracked release {s}")?;
                } else {
                    write!(out, " (in the tracked releases {s} to {u}")?;
                }
                match self.added_after {
                    Some(a) => write!(out, "; added after {a}, which lacks it)")?,
                    None if self.since == Tables::of_space(self.space).map(|t| t.label(0)) => {
                        write!(out, ", the oldest tracked release)")?
                    }
                    None => write!(out, ")")?,
                }
            }
        }
        if self.release.is_some_and(|r| !r.exact) {
            write!(
                out,
                "; a vendor kernel may have backported more or other values"
            )?;
        }
        Ok(())
    }

    /// A connection state's sentence: the number is iscsid's, the same on every kernel
    /// (open-iscsi usr/initiator.h has had the seven states since 2005); only the kernel
    /// header's copy of the enum (include/scsi/iscsi_if.h, from v3.2) has releases.
    fn conn_state_sentence<W: Write + ?Sized>(&self, out: &mut W, r: Resolved) -> fmt::Result {
        let label = u32::try_from(self.value)
            .ok()
            .and_then(|v| crate::explain::conn_state_label(IscsiConnState(v)))
            .unwrap_or("the same");
        write!(
            out,
            "{} has {}: connection states are iscsid's own numbers, so {} means {label} on \
             every kernel; ",
            r.label,
            Value(self),
            self.value
        )?;
        let since = self.since.unwrap_or("none");
        if self.has_in(r.index) {
            write!(
                out,
                "the kernel header carries a copy of them (in the tracked releases from \
                 {since})"
            )
        } else {
            write!(
                out,
                "only the kernel header's copy of them is new (in the tracked releases from \
                 {since})"
            )
        }
    }

    /// Writes the answer as a JSON object: `{"release":"2.6.18","tracked":"v2.6.18",
    /// "exact":true,"present":false,"since":"v6.1.192","added_after":"v2.6.33",
    /// "until":"v6.12.117"}`. `present` is `null` when it cannot be told; `tracked`, `since`,
    /// `added_after`, `until` and `name` are `null` when unknown.
    pub fn write_json<W: Write + ?Sized>(&self, out: &mut W, asked: &str) -> fmt::Result {
        let opt = |out: &mut W, key: &str, v: Option<&str>| -> fmt::Result {
            write!(out, ",\"{key}\":")?;
            match v {
                Some(s) => crate::explain::write_json_string(out, s),
                None => out.write_str("null"),
            }
        };
        out.write_str("{\"release\":")?;
        crate::explain::write_json_string(out, asked.trim())?;
        opt(out, "tracked", self.release.map(|r| r.label))?;
        match self.release {
            Some(r) => write!(out, ",\"exact\":{},\"same_line\":{}", r.exact, r.same_line)?,
            None => out.write_str(",\"exact\":null,\"same_line\":null")?,
        }
        match self.presence.as_bool() {
            Some(b) => write!(out, ",\"present\":{b}")?,
            None => out.write_str(",\"present\":null")?,
        }
        let status = match self.presence {
            Presence::Present => "present",
            Presence::Absent => "absent",
            Presence::Unsure => "unsure",
            Presence::UnknownRelease => "unknown_release",
            Presence::Untracked => "untracked",
        };
        write!(out, ",\"status\":\"{status}\"")?;
        opt(out, "name", self.name)?;
        opt(out, "since", self.since)?;
        opt(out, "added_after", self.added_after)?;
        opt(out, "until", self.until)?;
        out.write_str("}")
    }

    fn has_in(&self, i: u16) -> bool {
        let (Some(t), Some(n)) = (Tables::of_space(self.space), self.space.rust_name()) else {
            return false;
        };
        let mut found = false;
        t.for_each_row(n, self.value, |r| found |= r.since <= i && i <= r.until);
        found
    }

    /// Whether `asked` parses as a kernel version (so an unknown release is an old one).
    fn parses_as_version(&self, asked: &str) -> bool {
        Tables::of_space(self.space).is_some() && crate::core::parse_version(asked).is_some()
    }
}

/// The value as the sentence names it: `1022` or `1022 (ISCSI_ERR_NOP_TIMEDOUT)`.
struct Value<'a>(&'a ReleaseCheck);

impl fmt::Display for Value<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let c = self.0;
        let reading = c.space.reading(c.value);
        let shown = crate::explain::Reading {
            name: c.name.or(reading.name),
            ..reading
        };
        write!(f, "{}", shown.value_display())
    }
}
