//! What every generated table file shares: the row type [`Entry`], the releases
//! ([`Release`], [`ReleaseInfo`], [`Releases`], the one release-label parser
//! [`parse_version`] and the release-line rule [`release_line`]), the uniform views
//! [`RawEntry`] and [`Family`], and the macros that expand each newtype's methods.
//!
//! This file is written by hand and compiled where it is edited. `iscsi-codegen`
//! writes `tables/generated/*.rs` to `use` it, so those files hold only data: consts,
//! table rows and macro calls. Its `--standalone` output inlines this file (without
//! this module comment) so that one generated file can be vendored alone.
//!
//! A tracked release is a [`Release`]: an index into the release list of the file it
//! came from (`iscsi_if::RELEASES`), named by a constant of that file (`iscsi_if::V3_17`,
//! `iscsi_if::LATEST`). The two table files may track different releases (tables
//! generated at build time from a vendor header track one), so a `Release` of one file
//! means nothing to the other: compare releases across files by label or version.

/// One known value of a family: the value, its C name, and the header's comment.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Entry<T: 'static> {
    /// The value.
    pub value: T,
    /// The C name, e.g. `ISCSI_ERR_NOP_TIMEDOUT`.
    pub name: &'static str,
    /// The header's comment for it, or "" when it has none.
    pub doc: &'static str,
    /// The C initializer or macro body as written, or "" when implicit.
    pub expr: &'static str,
    /// The first tracked release of the run of releases that have this name
    /// with this value.
    pub since: Release,
    /// The last tracked release of that run.
    pub until: Release,
}

impl<T> Entry<T> {
    /// Whether `release` has this name with this value.
    pub const fn present_in(&self, release: Release) -> bool {
        self.since.0 <= release.0 && release.0 <= self.until.0
    }
}

/// A tracked source of one table file, oldest first: an index into that file's
/// [`Releases`]. Kernel releases are ordered by version number, not by date.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub struct Release(pub u16);

impl Release {
    /// The oldest tracked release of any file.
    pub const FIRST: Release = Release(0);

    /// Whether this release has a name for `value`.
    pub fn has<T: Tracked>(self, value: T) -> bool {
        value.known_in(self)
    }
}

/// One tracked release: its label and the kernel version the label names.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct ReleaseInfo {
    /// The label: `v3.10.65`, or a file name for an ad-hoc header.
    pub label: &'static str,
    /// The kernel version the label names, `[major, minor, patch, rc]` (rc 0 for a
    /// release), or `None` when it names none: [`parse_version`] of the label.
    pub version: Option<[u16; 4]>,
}

impl ReleaseInfo {
    /// The release `label` names; its version is [`parse_version`]`(label)`, computed at
    /// compile time in the generated files.
    pub const fn new(label: &'static str) -> ReleaseInfo {
        ReleaseInfo {
            label,
            version: parse_version(label),
        }
    }
}

/// The tracked releases of one generated file, oldest first; `Release(i)` is the i-th.
/// Dereferences to the slice of [`ReleaseInfo`].
#[derive(Clone, Copy, Debug)]
pub struct Releases(&'static [ReleaseInfo]);

impl Releases {
    /// The list of a generated file.
    pub const fn new(list: &'static [ReleaseInfo]) -> Releases {
        Releases(list)
    }

    /// What is known about `release`; `None` past the end.
    pub fn info(&self, release: Release) -> Option<&'static ReleaseInfo> {
        self.0.get(usize::from(release.0))
    }

    /// The label of `release`, or "" past the end.
    pub fn label(&self, release: Release) -> &'static str {
        self.info(release).map_or("", |i| i.label)
    }

    /// Every tracked release, oldest first.
    pub fn all(&self) -> impl Iterator<Item = Release> {
        (0..self.0.len().min(usize::from(u16::MAX))).map(|i| Release(i as u16))
    }

    /// The newest tracked release; `None` for an empty list.
    pub fn latest(&self) -> Option<Release> {
        self.all().last()
    }

    /// The tracked release with exactly this label or version: `v2.6.18`, `2.6.18` and
    /// `linux-2.6.18` all name `v2.6.18`.
    pub fn find_exact(&self, label: &str) -> Option<Release> {
        let version = parse_version(label);
        let hit = |r: &ReleaseInfo| r.label == label || (version.is_some() && r.version == version);
        self.0.iter().position(hit).map(|i| Release(i as u16))
    }

    /// The release-line floor rule: the tracked release of exactly this label or version,
    /// else the newest tracked release whose release line ([`release_line`]) is not newer
    /// than the one `label` names. So `3.10.0-1160.el7` resolves to the tracked 3.10
    /// release (or the newest before it), `6.15` past the newest tracked one to the
    /// newest. `None` when `label` names no version, or one older than every tracked
    /// release.
    pub fn find(&self, label: &str) -> Option<Release> {
        if let Some(r) = self.find_exact(label) {
            return Some(r);
        }
        let line = release_line(parse_version(label)?);
        let mut found = None;
        for (i, r) in self.0.iter().enumerate() {
            if let Some(v) = r.version {
                if release_line(v) <= line {
                    found = Some(Release(i as u16));
                }
            }
        }
        found
    }
}

impl core::ops::Deref for Releases {
    type Target = [ReleaseInfo];
    fn deref(&self) -> &[ReleaseInfo] {
        self.0
    }
}

/// Parses a release label, `[linux-headers-|linux-][v|V]major.minor[.patch[.more]][-rcN]`,
/// ignoring anything after (`-1160.el7`, `+deb12`): `[major, minor, patch, rc]`. `None`
/// when it does not start with at least two numbers, or a number exceeds `u16`. The one
/// parser of release labels: the generator's `KernelVersion` and the runtime use it.
///
/// So `3.10.0-1160.el7.x86_64` gives `[3, 10, 0, 0]`, `linux-headers-6.12.117+deb12-amd64`
/// gives `[6, 12, 117, 0]`, `v4.1-rc6` gives `[4, 1, 0, 6]`, and `iscsi_if.h` gives `None`.
/// (No example block here: this file is inlined into vendored `--standalone` tables.)
pub const fn parse_version(label: &str) -> Option<[u16; 4]> {
    let s = label.as_bytes();
    let (mut i, mut end) = (0, s.len());
    while i < end && s[i].is_ascii_whitespace() {
        i += 1;
    }
    while end > i && s[end - 1].is_ascii_whitespace() {
        end -= 1;
    }
    if starts_with(s, i, end, b"linux-headers-") {
        i += b"linux-headers-".len();
    } else if starts_with(s, i, end, b"linux-") {
        i += b"linux-".len();
    }
    if i < end && (s[i] == b'v' || s[i] == b'V') {
        i += 1;
    }
    let mut out = [0u16; 4];
    let mut count = 0;
    loop {
        let start = i;
        let mut n: u32 = 0;
        while i < end && s[i].is_ascii_digit() {
            n = n * 10 + (s[i] - b'0') as u32;
            if n > u16::MAX as u32 {
                return None;
            }
            i += 1;
        }
        if i == start {
            break;
        }
        if count < 3 {
            out[count] = n as u16;
        }
        count += 1;
        if i + 1 < end && s[i] == b'.' && s[i + 1].is_ascii_digit() {
            i += 1;
        } else {
            break;
        }
    }
    if count < 2 {
        return None;
    }
    if starts_with(s, i, end, b"-rc") {
        i += 3;
        let mut n: u32 = 0;
        while i < end && s[i].is_ascii_digit() {
            n = n * 10 + (s[i] - b'0') as u32;
            if n > u16::MAX as u32 {
                n = u16::MAX as u32;
            }
            i += 1;
        }
        out[3] = n as u16;
    }
    Some(out)
}

/// Whether `s[i..end]` starts with `prefix` (a `const` `starts_with`).
const fn starts_with(s: &[u8], i: usize, end: usize, prefix: &[u8]) -> bool {
    if end < i || end - i < prefix.len() {
        return false;
    }
    let mut k = 0;
    while k < prefix.len() {
        if s[i + k] != prefix[k] {
            return false;
        }
        k += 1;
    }
    true
}

/// The release line of a version: `[2, 6, x]` before 3.0 (each 2.6.x was a major
/// release), `[major, minor, 0]` from 3.0 (sublevels are stable updates of one line).
/// The floor rule of [`Releases::find`] compares lines.
pub const fn release_line(v: [u16; 4]) -> [u16; 3] {
    if v[0] < 3 {
        [v[0], v[1], v[2]]
    } else {
        [v[0], v[1], 0]
    }
}

/// A number space whose values can be looked up per release.
pub trait Tracked: Copy {
    /// Whether `release` has a name for this value.
    fn known_in(self, release: Release) -> bool;
}

/// What kind of number space a family is.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum FamilyKind {
    /// Distinct values (an enum, a code list).
    Values,
    /// Bits that combine with `|`.
    Flags,
    /// Values keyed by (class, detail) packed as `class << 8 | detail`.
    Keyed,
    /// Unrelated limits and sizes: named constants, no newtype semantics.
    Constants,
}

/// A uniform, untyped view of one entry, for code that walks every family.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct RawEntry {
    /// The value widened to i128.
    pub value: i128,
    /// The C name.
    pub name: &'static str,
    /// The header's comment, or "".
    pub doc: &'static str,
    /// See [`Entry::since`].
    pub since: Release,
    /// See [`Entry::until`].
    pub until: Release,
}

/// A description of one family, for code that walks every family.
#[derive(Clone, Copy)]
pub struct Family {
    /// The Rust type name: `IscsiErr`.
    pub rust_name: &'static str,
    /// What the C side calls it: `enum iscsi_err` or `ISCSI_OP_* (#define)`.
    pub c_name: &'static str,
    /// The common prefix of the C names, stripped for short lookups: `ISCSI_ERR_`.
    pub prefix: &'static str,
    /// The header comment above the enum or section, or "".
    pub doc: &'static str,
    /// Values, flags, keyed or constants.
    pub kind: FamilyKind,
    /// Number of known entries.
    pub len: usize,
    /// The i-th known entry (sorted by value, then name), or `None` past the end.
    pub entry: fn(usize) -> Option<RawEntry>,
}

/// The tracked releases of a generated file: one `NAME = "label",` per release, oldest
/// first. Defines a `Release` constant per name (`V3_17`), `LATEST` (the last) and
/// `RELEASES`. Adding a release adds one line here and changes no table row, since rows
/// name releases by these constants and `LATEST`.
macro_rules! releases {
    ($($name:ident = $label:literal,)+) => {
        #[allow(non_camel_case_types, dead_code, clippy::upper_case_acronyms)]
        #[repr(u16)]
        enum ReleaseIndex {
            $($name,)+
        }

        $(
            #[doc = concat!("The tracked release `", $label, "`.")]
            pub const $name: Release = Release(ReleaseIndex::$name as u16);
        )+

        /// The newest tracked release.
        pub const LATEST: Release = Release([$(ReleaseIndex::$name as u16,)+].len() as u16 - 1);

        /// Every source these tables were generated from, oldest first; `Release(i)` is
        /// the i-th.
        pub static RELEASES: Releases = Releases::new(&[$(ReleaseInfo::new($label),)+]);
    };
}
#[allow(unused_imports)]
pub(crate) use releases;

/// `Display` for a flags family (`0x5 A|C`, unnamed bits in hex) and its bit operators.
macro_rules! flags_display {
    ($name:ident, $n:literal, $zero:literal, $doc:literal) => {
        #[doc = $doc]
        impl core::fmt::Display for $name {
            fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                write!(f, "{:#x} ", self.0)?;
                let mut chosen = [false; $n];
                let mut rest = self.0;
                for &i in Self::DECOMPOSE {
                    if let (Some(e), Some(c)) = (Self::TABLE.get(i), chosen.get_mut(i)) {
                        let bits = e.value.0;
                        if bits & rest == bits {
                            *c = true;
                            rest &= !bits;
                        }
                    }
                }
                let mut sep = "";
                for (e, c) in Self::TABLE.iter().zip(chosen) {
                    if c {
                        write!(f, "{sep}{}", e.name)?;
                        sep = "|";
                    }
                }
                if rest != 0 {
                    write!(f, "{sep}{rest:#x}")?;
                } else if sep.is_empty() {
                    f.write_str($zero)?;
                }
                Ok(())
            }
        }

        impl core::ops::BitOr for $name {
            type Output = Self;
            fn bitor(self, rhs: Self) -> Self {
                Self(self.0 | rhs.0)
            }
        }

        impl core::ops::BitAnd for $name {
            type Output = Self;
            fn bitand(self, rhs: Self) -> Self {
                Self(self.0 & rhs.0)
            }
        }
    };
}
#[allow(unused_imports)]
pub(crate) use flags_display;

/// The methods and impls every newtype shares: lookups by value, name and release,
/// [`Tracked`], the conversions to and from the C integer, and `Debug`.
macro_rules! family_impls {
    ($name:ident, $ty:ty) => {
        impl $name {
            /// Wraps any raw value.
            pub const fn new(value: $ty) -> Self {
                Self(value)
            }
            /// The raw C value.
            pub const fn get(self) -> $ty {
                self.0
            }
            /// Row `i` of `TABLE`, untyped (the `entry` of this family's `FAMILIES` row).
            fn raw_entry(i: usize) -> Option<RawEntry> {
                Self::TABLE.get(i).map(|e| RawEntry {
                    value: e.value.0 as i128,
                    name: e.name,
                    doc: e.doc,
                    since: e.since,
                    until: e.until,
                })
            }
            /// One row of `TABLE` (shorthand for the generated table).
            const fn row(
                value: $ty,
                name: &'static str,
                doc: &'static str,
                expr: &'static str,
                since: Release,
                until: Release,
            ) -> Entry<Self> {
                Entry {
                    value: Self(value),
                    name,
                    doc,
                    expr,
                    since,
                    until,
                }
            }
            /// The rows of `TABLE` with this value (newest first).
            fn rows(self) -> &'static [Entry<Self>] {
                let lo = Self::TABLE.partition_point(|e| e.value < self);
                let hi = Self::TABLE.partition_point(|e| e.value <= self);
                Self::TABLE.get(lo..hi).unwrap_or(&[])
            }
            /// The table row for this value, if known: the newest release's name
            /// (the first by name on a tie).
            pub fn entry(self) -> Option<&'static Entry<Self>> {
                self.rows().first()
            }
            /// The table row for this value in `release`, if that release knows it.
            pub fn entry_in(self, release: Release) -> Option<&'static Entry<Self>> {
                self.rows().iter().find(|e| e.present_in(release))
            }
            /// The C name, if known.
            pub fn name(self) -> Option<&'static str> {
                self.entry().map(|e| e.name)
            }
            /// The C name `release` gives this value, if it has one.
            pub fn name_in(self, release: Release) -> Option<&'static str> {
                self.entry_in(release).map(|e| e.name)
            }
            /// The header's comment, if known and non-empty.
            pub fn doc(self) -> Option<&'static str> {
                self.entry().map(|e| e.doc).filter(|d| !d.is_empty())
            }
            /// The first tracked release that has a name for this value.
            pub fn since(self) -> Option<Release> {
                self.rows().iter().map(|e| e.since).min()
            }
            /// The last tracked release that has a name for this value.
            pub fn until(self) -> Option<Release> {
                self.rows().iter().map(|e| e.until).max()
            }
            /// Looks a value up by its exact C name (aliases included): the value
            /// of the newest release that has the name.
            pub fn from_name(name: &str) -> Option<Self> {
                let rows = Self::TABLE.iter().filter(|e| e.name == name);
                rows.max_by_key(|e| (e.until, e.since)).map(|e| e.value)
            }
            /// The value `release` gives the C name `name`, if it has the name.
            pub fn from_name_in(name: &str, release: Release) -> Option<Self> {
                let mut rows = Self::TABLE.iter();
                rows.find(|e| e.name == name && e.present_in(release))
                    .map(|e| e.value)
            }
        }

        impl Tracked for $name {
            fn known_in(self, release: Release) -> bool {
                self.entry_in(release).is_some()
            }
        }

        impl From<$ty> for $name {
            fn from(v: $ty) -> Self {
                Self(v)
            }
        }

        impl From<$name> for $ty {
            fn from(v: $name) -> Self {
                v.0
            }
        }

        impl core::fmt::Debug for $name {
            fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                write!(f, concat!(stringify!($name), "({})"), self)
            }
        }
    };
}
#[allow(unused_imports)]
pub(crate) use family_impls;
