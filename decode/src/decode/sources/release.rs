//! Which release prints a wording: `decode --kernel` / `--open-iscsi RELEASE` and `explain`
//! say when a log line's wording cannot come from the release the user names (a log of
//! another machine, or a vendor's patch).
//!
//! The facts are the tracked releases of each origin (the kernel's v6.1.192 and v6.12.118;
//! every open-iscsi tag from 2.0.873 to 2.1.11 and 2.1.11-14-gbc23614) and, per row of the
//! message table, the exact runs of them that print it (`decode/generated/message_releases.rs`,
//! written by `iscsi-codegen messages generate` next to `messages.rs`). A line's wording is
//! that of every row of its origin that matches it (its row, the same words at other call
//! sites, and any other wording the line fits), so a release prints it when it prints any.
//!
//! A release between two tracked ones is answered only when both agree; one older or newer
//! than every tracked release gets [`Printed::Unknown`]: the facts cannot tell, and the check
//! never accuses a line they do not convict.
//!
//! ```
//! use iscsi_decode::decode::{OriginRelease, Printed};
//! let r = OriginRelease::open_iscsi("2.1.11").unwrap();
//! assert_eq!(r.tracked(), Some("2.1.11"));
//! assert!(OriginRelease::open_iscsi("2.0.880").is_err());
//! assert!(OriginRelease::kernel("six").is_err());
//! let between = OriginRelease::kernel("6.6.1").unwrap();
//! assert_eq!(between.tracked(), None);
//! # let _ = Printed::Unknown;
//! ```

use std::fmt;

use super::MessageSource;

mod data {
    include!("../../../generated/message_releases.rs");
}

mod place;

pub use place::Place;

/// The program whose releases are asked about: the `origin` of a [`MessageSource`].
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum Origin {
    /// The kernel's iSCSI initiator (`--kernel`).
    Kernel,
    /// open-iscsi: iscsid, iscsiadm, iscsistart, iscsiuio (`--open-iscsi`).
    OpenIscsi,
}

impl Origin {
    /// The origin as the message table names it: `kernel`, `open-iscsi`.
    pub fn name(self) -> &'static str {
        match self {
            Origin::Kernel => "kernel",
            Origin::OpenIscsi => "open-iscsi",
        }
    }

    /// The tracked releases, oldest first.
    pub fn tracked(self) -> &'static [&'static str] {
        match self {
            Origin::Kernel => data::KERNEL,
            Origin::OpenIscsi => data::OPEN_ISCSI,
        }
    }

    /// The release forms a user may write, for error messages.
    pub fn expected(self) -> &'static str {
        match self {
            Origin::Kernel => "a kernel release such as 6.1.192, v6.12.118 or 6.1.0-18-amd64",
            Origin::OpenIscsi => {
                "an open-iscsi release tag such as 2.1.4 or v2.0.873, optionally with a \
                 vendor suffix (2.1.4-1ubuntu1) or as git describe writes it \
                 (2.1.11-14-gbc23614); Red Hat's iscsi-initiator-utils 6.2.1.4 is 2.1.4"
            }
        }
    }
}

/// A release argument that names no release of its origin.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReleaseError {
    /// Whose release was asked for.
    pub origin: Origin,
    /// The argument as given.
    pub asked: String,
    /// Whether it is a version at all (`2.0.880` is one, but no open-iscsi tag).
    pub is_version: bool,
}

impl fmt::Display for ReleaseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let tracked = self.origin.tracked();
        let what = if self.is_version {
            "is no release"
        } else {
            "is not a release"
        };
        write!(
            f,
            "`{}` {what} of {}; expected {} (tracked: {} … {})",
            self.asked.escape_debug(),
            self.origin.name(),
            self.origin.expected(),
            tracked.first().copied().unwrap_or(""),
            tracked.last().copied().unwrap_or("")
        )
    }
}

impl std::error::Error for ReleaseError {}

/// A release of one origin as the user names it, placed among the tracked releases.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OriginRelease {
    origin: Origin,
    asked: String,
    place: Place,
}

impl OriginRelease {
    /// A kernel release: `6.1.192`, `v6.12.118`, `6.1.0-18-amd64` (a Debian kernel of the
    /// 6.1 line: the tracked release of that line answers for it), `6.6.1` (between the
    /// tracked releases).
    pub fn kernel(asked: &str) -> Result<OriginRelease, ReleaseError> {
        OriginRelease::new(Origin::Kernel, asked)
    }

    /// An open-iscsi release: a tag (`2.1.4`, `v2.0.873`), a distribution's package of one
    /// (`2.1.4-1ubuntu1`; Red Hat's `6.2.1.4`), or a commit as `git describe` names it
    /// (`2.1.11-14-gbc23614`). A version inside the tracked span that is no tag (`2.0.880`)
    /// is an error.
    pub fn open_iscsi(asked: &str) -> Result<OriginRelease, ReleaseError> {
        OriginRelease::new(Origin::OpenIscsi, asked)
    }

    /// A release of `origin` (see [`OriginRelease::kernel`], [`OriginRelease::open_iscsi`]).
    pub fn new(origin: Origin, asked: &str) -> Result<OriginRelease, ReleaseError> {
        let asked = asked.trim();
        let place = match origin {
            Origin::Kernel => place::kernel(asked, origin.tracked()),
            Origin::OpenIscsi => place::open_iscsi(asked, origin.tracked()),
        }
        .map_err(|is_version| ReleaseError {
            origin,
            asked: asked.to_string(),
            is_version,
        })?;
        Ok(OriginRelease {
            origin,
            asked: asked.to_string(),
            place,
        })
    }

    /// Whose release this is.
    pub fn origin(&self) -> Origin {
        self.origin
    }

    /// The release as the user wrote it (trimmed).
    pub fn asked(&self) -> &str {
        &self.asked
    }

    /// Where it stands among the tracked releases.
    pub fn place(&self) -> Place {
        self.place
    }

    /// The tracked release that answers for it, when there is one (itself, or the tracked
    /// release of its kernel line or of the tag a vendor package is of).
    pub fn tracked(&self) -> Option<&'static str> {
        match self.place {
            Place::Tracked { index, .. } => self.origin.tracked().get(index).copied(),
            _ => None,
        }
    }

    /// Whether `release` prints the wording of `rows` (rows of the message table, all of
    /// this origin: a line's row and the other rows its text fits; rows of another origin
    /// are left out). `None` when no row is of this origin.
    pub fn verdict(&self, rows: &[&MessageSource]) -> Option<Verdict> {
        let tracked = self.origin.tracked();
        let mut present = vec![false; tracked.len()];
        let mut any = false;
        for row in rows.iter().filter(|r| r.origin == self.origin.name()) {
            any = true;
            for (a, b) in runs_of(row, tracked) {
                for p in present.iter_mut().take(b + 1).skip(a) {
                    *p = true;
                }
            }
        }
        if !any {
            return None;
        }
        let has = |i: usize| present.get(i).copied().unwrap_or(false);
        let printed = match self.place {
            Place::Tracked { index, .. } if has(index) => Printed::Yes,
            Place::Tracked { .. } => Printed::No,
            Place::Between(i) => match (has(i), has(i + 1)) {
                (true, true) => Printed::Yes,
                (false, false) => Printed::No,
                _ => Printed::Unknown,
            },
            Place::Older | Place::Newer => Printed::Unknown,
        };
        let mut runs = Vec::new();
        let mut start = None;
        for (i, &p) in present.iter().chain([&false]).enumerate() {
            match (p, start) {
                (true, None) => start = Some(i),
                (false, Some(s)) => {
                    runs.push((tracked[s], tracked[i - 1]));
                    start = None;
                }
                _ => {}
            }
        }
        Some(Verdict {
            printed,
            since: runs.first().map_or("", |r| r.0),
            until: runs.last().map_or("", |r| r.1),
            runs,
        })
    }
}

impl fmt::Display for OriginRelease {
    /// `open-iscsi 2.0.873`, `kernel 6.1.0-18-amd64 (v6.1.192, of its line)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.origin.name(), self.asked.escape_debug())?;
        match (self.place, self.tracked()) {
            (Place::Tracked { exact: false, .. }, Some(t)) => {
                let of = match self.origin {
                    Origin::Kernel => "the tracked release of its line",
                    Origin::OpenIscsi => "the tag it packages",
                };
                write!(f, " ({t}, {of})")
            }
            _ => Ok(()),
        }
    }
}

/// The runs of tracked releases (indices) that print `row`: its generated runs, or for a
/// row not of the table, its `since` … `until`.
fn runs_of(row: &MessageSource, tracked: &[&str]) -> Vec<(usize, usize)> {
    if let Some(r) = super::matcher::index_of(row).and_then(|i| data::RUNS.get(i)) {
        return r
            .iter()
            .map(|&(a, b)| (usize::from(a), usize::from(b)))
            .collect();
    }
    let at = |l: &str| tracked.iter().position(|t| *t == l);
    match (at(row.since), at(row.until)) {
        (Some(a), Some(b)) if a <= b => vec![(a, b)],
        _ => Vec::new(),
    }
}

/// Whether a release prints a wording.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum Printed {
    /// The release prints it.
    Yes,
    /// It cannot come from the release (unless patched in).
    No,
    /// The facts cannot tell: the release is older or newer than every tracked one, or lies
    /// between two tracked releases that disagree.
    Unknown,
}

impl Printed {
    /// `yes`, `no`, `unknown` (the NDJSON's words).
    pub fn name(self) -> &'static str {
        match self {
            Printed::Yes => "yes",
            Printed::No => "no",
            Printed::Unknown => "unknown",
        }
    }
}

/// The answer for one wording and one release.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verdict {
    /// Whether the release prints the wording.
    pub printed: Printed,
    /// The first tracked release that prints the wording.
    pub since: &'static str,
    /// The last tracked release that prints it.
    pub until: &'static str,
    /// The runs of consecutive tracked releases that print it, oldest first (one, unless the
    /// wording went and came back).
    pub runs: Vec<(&'static str, &'static str)>,
}

impl Verdict {
    /// The tracked releases that print the wording: `2.1.2 … 2.1.11`, `v6.1.192`, `2.0.873 …
    /// 2.0.878 and 2.1.5 … 2.1.11`.
    pub fn releases(&self) -> String {
        let one = |(a, b): &(&str, &str)| {
            if a == b {
                a.to_string()
            } else {
                format!("{a} … {b}")
            }
        };
        self.runs.iter().map(one).collect::<Vec<_>>().join(" and ")
    }

    /// The verdict as a sentence about `release`: `cannot come from open-iscsi 2.0.873: first
    /// printed by 2.1.2`, `printed by kernel v6.1.192`, `open-iscsi 2.1.12 is newer than every
    /// tracked release: cannot tell (printed by 2.0.873 … 2.1.11)`.
    pub fn sentence(&self, release: &OriginRelease) -> String {
        let tracked = release.origin.tracked();
        let pos = |l: &str| tracked.iter().position(|t| *t == l);
        match self.printed {
            Printed::Yes => format!("printed by {release}"),
            Printed::No => {
                let at = match release.place {
                    Place::Tracked { index, .. } => Some(index),
                    Place::Between(i) => Some(i),
                    _ => None,
                };
                let why = match (at, pos(self.since), pos(self.until)) {
                    // A kernel wording new in a tracked release came somewhere after the
                    // one before it: the kernel has untracked releases between.
                    (Some(i), Some(s), _) if i < s => match s.checked_sub(1) {
                        Some(p) if release.origin == Origin::Kernel => {
                            format!(
                                "first printed by {} (added after {})",
                                self.since, tracked[p]
                            )
                        }
                        _ => format!("first printed by {}", self.since),
                    },
                    (Some(i), _, Some(u)) if i > u => format!("last printed by {}", self.until),
                    _ => format!("printed only by {}", self.releases()),
                };
                format!("cannot come from {release}: {why}")
            }
            Printed::Unknown => {
                let where_ = match release.place {
                    Place::Between(i) => format!(
                        "lies between the tracked releases {} and {}, which disagree",
                        tracked.get(i).copied().unwrap_or(""),
                        tracked.get(i + 1).copied().unwrap_or("")
                    ),
                    Place::Older => "is older than every tracked release".to_string(),
                    _ => "is newer than every tracked release".to_string(),
                };
                format!(
                    "{release} {where_}: cannot tell (printed by {})",
                    self.releases()
                )
            }
        }
    }
}

#[cfg(test)]
mod tests;
