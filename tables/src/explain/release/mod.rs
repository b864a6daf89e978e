//! Which kernel release has which value: `explain --kernel 2.6.18 1022` and the decoder's
//! "this release cannot emit that code". The generated tables say, per value, the first and
//! last tracked release that names it (`since`/`until`); this module resolves a release as a
//! user writes it (`2.6.18`, `v2.6.18`, `3.10.0-1160.el7.x86_64`) against the tracked
//! releases of the header a space comes from, and answers honestly where the tracked releases
//! leave gaps: a value first seen in v6.1 after a last tracked v2.6.33 was added somewhere in
//! between, and a release inside such a gap may be unknowable.
//!
//! Releases are looked up by label string, never by per-release constants: tables generated
//! at build time from a vendor header have other labels.
//!
//! ```
//! use iscsi_tables::explain::{release, Space};
//! let c = release::check(Space::IscsiErr, 1022, "2.6.18");
//! assert_eq!(c.presence, release::Presence::Absent);
//! assert!(c.since.is_some());
//! let c = release::check(Space::IscsiErr, 1022, "v6.12");
//! assert_eq!(c.presence, release::Presence::Present);
//! ```

use super::Space;
use crate::core::{Family, Release, Releases, parse_version, release_line};
use crate::{iscsi_if, iscsi_proto};

mod sentence;

/// The generated file a space comes from. Each has its own list of tracked releases.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum Tables {
    /// `include/scsi/iscsi_if.h` ([`crate::iscsi_if`]).
    If,
    /// `include/scsi/iscsi_proto.h` ([`crate::iscsi_proto`]).
    Proto,
}

impl Tables {
    /// The generated file that has the family `rust_name` (`IscsiErr`), if either has it.
    pub fn of_family(rust_name: &str) -> Option<Tables> {
        [Tables::If, Tables::Proto]
            .into_iter()
            .find(|t| t.families().iter().any(|f| f.rust_name == rust_name))
    }

    /// The generated file a space comes from; `None` for iscsiadm's codes (our own table of
    /// open-iscsi's list, not a kernel header) and for a space the tables lack.
    pub fn of_space(space: Space) -> Option<Tables> {
        Tables::of_family(space.rust_name()?)
    }

    /// The tracked releases of this file.
    pub fn releases(self) -> &'static Releases {
        match self {
            Tables::If => &iscsi_if::RELEASES,
            Tables::Proto => &iscsi_proto::RELEASES,
        }
    }

    /// The families of this file.
    pub fn families(self) -> &'static [Family] {
        match self {
            Tables::If => iscsi_if::FAMILIES,
            Tables::Proto => iscsi_proto::FAMILIES,
        }
    }

    /// The tracked release labels, oldest first.
    pub fn labels(self) -> impl Iterator<Item = &'static str> {
        self.releases().iter().map(|r| r.label)
    }

    fn count(self) -> u16 {
        u16::try_from(self.releases().len()).unwrap_or(u16::MAX)
    }

    fn label(self, i: u16) -> &'static str {
        self.releases().label(Release(i))
    }

    fn version(self, i: u16) -> Option<[u16; 4]> {
        self.releases().info(Release(i)).and_then(|r| r.version)
    }

    fn exact(self, label: &str) -> Option<u16> {
        self.releases().find_exact(label).map(|r| r.0)
    }

    fn floor(self, label: &str) -> Option<u16> {
        self.releases().find(label).map(|r| r.0)
    }

    /// Calls `f` with every row of `value` in the family `rust_name`.
    fn for_each_row(self, rust_name: &str, value: i128, mut f: impl FnMut(Row)) {
        let Some(fam) = self.families().iter().find(|x| x.rust_name == rust_name) else {
            return;
        };
        for e in (0..fam.len).filter_map(fam.entry) {
            if e.value == value {
                f(Row {
                    name: e.name,
                    since: e.since.0,
                    until: e.until.0,
                });
            }
        }
    }

    /// Resolves a release as a user writes it against this file's tracked releases: the
    /// exact tracked release (`2.6.18`, `v2.6.18`, `linux-2.6.18`), else the newest tracked
    /// release whose release line is not newer (`3.10.0-1160.el7.x86_64`).
    ///
    /// ```
    /// use iscsi_tables::explain::release::Tables;
    /// let r = Tables::If.resolve("2.6.18").unwrap();
    /// assert_eq!((r.label, r.exact), ("v2.6.18", true));
    /// let r = Tables::If.resolve("3.10.0-1160.el7.x86_64").unwrap();
    /// assert!(r.label.starts_with("v3.") || r.label.starts_with("v2.6."));
    /// assert!(Tables::If.resolve("2.6.9").is_none());
    /// assert!(Tables::If.resolve("foo").is_none());
    /// ```
    pub fn resolve(self, asked: &str) -> Option<Resolved> {
        let asked = asked.trim();
        if let Some(i) = self.exact(asked) {
            return Some(self.resolved(i, true, true));
        }
        let i = self.floor(asked)?;
        let wanted = parse_version(asked).map(release_line);
        let same_line = wanted.is_some() && self.version(i).map(release_line) == wanted;
        Some(self.resolved(i, false, same_line))
    }

    fn resolved(self, i: u16, exact: bool, same_line: bool) -> Resolved {
        let next = (!same_line && i + 1 < self.count()).then(|| i + 1);
        Resolved {
            tables: self,
            index: i,
            label: self.label(i),
            exact,
            same_line,
            next: next.map(|n| self.label(n)),
            newer_than_tracked: !same_line && i + 1 >= self.count(),
            next_index: next,
        }
    }
}

/// One row of a generated table: a name and the run of releases that have it.
#[derive(Clone, Copy)]
struct Row {
    name: &'static str,
    since: u16,
    until: u16,
}

/// A release as the user wrote it, resolved to a tracked release of one generated file.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Resolved {
    /// The generated file whose releases these are.
    pub tables: Tables,
    /// The tracked release's index (`Release(index)` of that file).
    pub index: u16,
    /// The tracked release's label: `v2.6.18`.
    pub label: &'static str,
    /// Whether the asked label or version names exactly this tracked release (`2.6.18` for
    /// `v2.6.18`).
    pub exact: bool,
    /// Whether the asked release is of this tracked release's line (`3.10.0-1160.el7` and
    /// `v3.10.65`: sublevels are stable updates of one line); `false` when the floor rule
    /// stepped back to an older line.
    pub same_line: bool,
    /// When not of the same line: the next newer tracked release; the asked one lies
    /// between the two.
    pub next: Option<&'static str>,
    /// When not of the same line: whether the asked release is newer than every tracked
    /// release.
    pub newer_than_tracked: bool,
    next_index: Option<u16>,
}

/// Whether a release has a value.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum Presence {
    /// The release names the value.
    Present,
    /// The release has no name for the value (it was added later, removed earlier, or
    /// never existed).
    Absent,
    /// The asked release lies between two tracked releases that disagree: one has the value
    /// and the other does not, so the tables cannot tell.
    Unsure,
    /// The asked release names no kernel version, or one older than every tracked release.
    UnknownRelease,
    /// The space is not tracked per kernel release (iscsiadm's codes are open-iscsi's own).
    Untracked,
}

impl Presence {
    /// `Some(true)` for present, `Some(false)` for absent, `None` when it cannot be told.
    pub fn as_bool(self) -> Option<bool> {
        match self {
            Presence::Present => Some(true),
            Presence::Absent => Some(false),
            _ => None,
        }
    }
}

/// The answer to "does this release have this value?", with what the tables know about
/// when the value came and went.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct ReleaseCheck {
    /// The space of the value.
    pub space: Space,
    /// The value (login statuses packed as `class << 8 | detail`).
    pub value: i128,
    /// The tracked release the asked one resolved to; `None` for an unknown release or an
    /// untracked space.
    pub release: Option<Resolved>,
    /// The answer.
    pub presence: Presence,
    /// The C name the release gives the value, when present (it may differ from today's
    /// name: `IscsiParam` 22 was `ISCSI_PARAM_MAX` before v2.6.23).
    pub name: Option<&'static str>,
    /// The first tracked release that has the value under the name the check is about (see
    /// [`KernelRelease::check_name`]); `None` when none has it.
    pub since: Option<&'static str>,
    /// When the tracked release before [`ReleaseCheck::since`] is not its immediate
    /// predecessor: that older tracked release. The value was added after it, in `since` or
    /// an untracked release between the two.
    pub added_after: Option<&'static str>,
    /// The last tracked release that has the value under that name; `None` when none has it.
    pub until: Option<&'static str>,
    /// Whether the newest tracked release still has the value under that name.
    pub in_latest: bool,
}

/// A kernel release as a user names it, resolved once against both generated files; use it
/// to check many values (the decoder checks every code it decodes).
///
/// ```
/// use iscsi_tables::explain::{release::{KernelRelease, Presence}, Space};
/// let k = KernelRelease::new("v2.6.18");
/// assert!(k.is_known());
/// assert_eq!(k.check(Space::IscsiErr, 1022).presence, Presence::Absent);
/// assert_eq!(k.check(Space::IscsiErr, 1011).presence, Presence::Present);
/// assert!(!KernelRelease::new("foo").is_known());
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct KernelRelease {
    if_release: Option<Resolved>,
    proto_release: Option<Resolved>,
}

impl KernelRelease {
    /// Resolves `asked` (`2.6.18`, `v2.6.18`, `3.10.0-1160.el7.x86_64`).
    pub fn new(asked: &str) -> KernelRelease {
        KernelRelease {
            if_release: Tables::If.resolve(asked),
            proto_release: Tables::Proto.resolve(asked),
        }
    }

    /// The tracked release of one generated file this resolves to.
    pub fn resolved(&self, tables: Tables) -> Option<Resolved> {
        match tables {
            Tables::If => self.if_release,
            Tables::Proto => self.proto_release,
        }
    }

    /// Whether either generated file has a tracked release for it.
    pub fn is_known(&self) -> bool {
        self.if_release.is_some() || self.proto_release.is_some()
    }

    /// Whether this release has `value` in `space`; since when and until when are those of
    /// the name the release gives the value, or, when it has none, of the value's current
    /// name (see [`KernelRelease::check_name`]).
    pub fn check(&self, space: Space, value: i128) -> ReleaseCheck {
        self.check_name(space, value, None)
    }

    /// Whether this release has `value` in `space`, asked about the C name `name` (the one a
    /// reading shows). Presence is the value's: does the release name it at all. `since`,
    /// `until`, `added_after` and `in_latest` are per name, as a renumbered value has had
    /// several (`IscsiParam` 22 was `ISCSI_PARAM_MAX` in v2.6.18 to v2.6.22 and is
    /// `ISCSI_PARAM_USERNAME` from v2.6.23): they are those of `name` when the release has
    /// `name` at this value, else of the name the release gives the value, else of `name`
    /// (or, without one, of the value's current name).
    ///
    /// Connection states are iscsid's own numbers, the same on every kernel (open-iscsi has
    /// had the seven since 2005); the kernel header only carries a copy of the enum from
    /// v3.2. So a known state is present in every release, and its `since` is the header
    /// copy's.
    ///
    /// ```
    /// use iscsi_tables::explain::{release::{KernelRelease, Presence}, Space};
    /// let k = KernelRelease::new("3.2");
    /// let param = Space::parse("IscsiParam").unwrap();
    /// let c = k.check_name(param, 22, Some("ISCSI_PARAM_USERNAME"));
    /// assert_eq!(c.name, Some("ISCSI_PARAM_USERNAME"));
    /// assert_eq!(c.since, Some("v2.6.23"));
    /// let c = KernelRelease::new("2.6.32").check(Space::ConnState, 3);
    /// assert_eq!(c.presence, Presence::Present);
    /// ```
    pub fn check_name(&self, space: Space, value: i128, name: Option<&str>) -> ReleaseCheck {
        let mut c = ReleaseCheck {
            space,
            value,
            release: None,
            presence: Presence::Untracked,
            name: None,
            since: None,
            added_after: None,
            until: None,
            in_latest: false,
        };
        let (Some(tables), Some(rust_name)) = (Tables::of_space(space), space.rust_name()) else {
            return c;
        };
        let resolved = self.resolved(tables);
        // The first name a release index gives the value, and whether it has `n` for it.
        let name_in = |i: u16| {
            let mut found = None;
            tables.for_each_row(rust_name, value, |row| {
                if row.since <= i && i <= row.until && found.is_none() {
                    found = Some(row.name);
                }
            });
            found
        };
        let has_name_in = |i: u16, n: &str| {
            let mut found = None;
            tables.for_each_row(rust_name, value, |row| {
                if row.since <= i && i <= row.until && row.name == n {
                    found = Some(row.name);
                }
            });
            found
        };
        let any_era = |n: &str| {
            let mut found = None;
            tables.for_each_row(rust_name, value, |row| {
                if row.name == n {
                    found = Some(row.name);
                }
            });
            found
        };
        let chosen = resolved
            .and_then(|r| {
                name.and_then(|n| has_name_in(r.index, n))
                    .or_else(|| name_in(r.index))
            })
            .or_else(|| name.and_then(any_era))
            .or_else(|| super::family::find(space, value).map(|k| k.name));
        let latest = tables.count().saturating_sub(1);
        let (mut since, mut until) = (None::<u16>, None::<u16>);
        tables.for_each_row(rust_name, value, |r| {
            if chosen.is_some_and(|n| n != r.name) {
                return;
            }
            since = Some(since.map_or(r.since, |s| s.min(r.since)));
            until = Some(until.map_or(r.until, |u| u.max(r.until)));
            c.in_latest |= r.until >= latest;
        });
        c.since = since.map(|s| tables.label(s));
        c.until = until.map(|u| tables.label(u));
        c.added_after = since.filter(|&s| s > 0).and_then(|s| {
            match (tables.version(s - 1), tables.version(s)) {
                (Some(prev), Some(this)) if follows(prev, this) => None,
                _ => Some(tables.label(s - 1)),
            }
        });
        let Some(r) = resolved else {
            c.presence = Presence::UnknownRelease;
            return c;
        };
        c.release = Some(r);
        let here = name_in(r.index);
        c.presence = match r.next_index {
            // iscsid's numbers: a known state means the same whatever the kernel.
            _ if space == Space::ConnState && since.is_some() => Presence::Present,
            // The asked release lies between two tracked ones: they must agree.
            Some(n) if here.is_some() != name_in(n).is_some() => Presence::Unsure,
            _ if here.is_some() => Presence::Present,
            _ => Presence::Absent,
        };
        if c.presence == Presence::Present {
            c.name = chosen.or(here);
        }
        c
    }
}

/// Whether `asked` names a kernel version at all (`2.6.18`, `v3.10`, `3.10.0-1160.el7`), tracked
/// or not.
///
/// ```
/// use iscsi_tables::explain::release::is_version;
/// assert!(is_version("3.10.0-1160.el7.x86_64") && is_version("v2.6.9"));
/// assert!(!is_version("foo"));
/// ```
pub fn is_version(asked: &str) -> bool {
    parse_version(asked).is_some()
}

/// Whether `space` has `value` in the kernel release `asked`: [`KernelRelease::check`] for a
/// single value.
pub fn check(space: Space, value: i128, asked: &str) -> ReleaseCheck {
    KernelRelease::new(asked).check(space, value)
}

/// The last minor release of each finished major line from 3.0 on (3.19, 4.20, 5.19).
const LAST_MINOR: &[(u16, u16)] = &[(3, 19), (4, 20), (5, 19)];

/// Whether the release line of `next` immediately follows that of `prev` (or is the same
/// line), so that a value new in `next` was new in exactly that line.
fn follows(prev: [u16; 4], next: [u16; 4]) -> bool {
    let (p, n) = (release_line(prev), release_line(next));
    if p == n {
        return true;
    }
    match (p[0] < 3, n[0] < 3) {
        (true, true) => p[0] == n[0] && p[1] == n[1] && n[2] == p[2].saturating_add(1),
        (true, false) => p == [2, 6, 39] && n == [3, 0, 0],
        (false, false) if p[0] == n[0] => n[1] == p[1].saturating_add(1),
        (false, false) => {
            n[0] == p[0].saturating_add(1) && n[1] == 0 && LAST_MINOR.contains(&(p[0], p[1]))
        }
        (false, true) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn release_lines_follow() {
        assert!(follows([2, 6, 17, 0], [2, 6, 18, 0]));
        assert!(!follows([2, 6, 17, 0], [2, 6, 19, 0]));
        assert!(follows([2, 6, 39, 0], [3, 0, 0, 0]));
        assert!(follows([3, 9, 0, 0], [3, 10, 65, 0]));
        assert!(follows([3, 19, 8, 0], [4, 0, 0, 0]));
        assert!(!follows([3, 18, 0, 0], [4, 0, 0, 0]));
        assert!(!follows([2, 6, 33, 0], [6, 1, 192, 0]));
        assert!(follows([6, 1, 0, 0], [6, 1, 192, 0]));
        assert!(follows([5, 19, 0, 0], [6, 0, 0, 0]));
    }
}
