//! The items every generated file has once: `Entry<T>`, `FamilyKind`, `RawEntry`,
//! `Family` (exactly as docs/generated-api.md fixes them), and the closing
//! `FAMILIES` static that lists each family of the file in header order.

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};

use crate::families::Kind;

use super::ident::str_lit;
use super::literal::value_lit;
use super::plan::{EntryPlan, FamilyPlan, ReleasePlan};

/// Names the common items take at module level (types and values).
pub const RESERVED: &[&str] = &[
    "Entry",
    "FamilyKind",
    "RawEntry",
    "Family",
    "FAMILIES",
    "Release",
    "ReleaseInfo",
    "RELEASES",
    "Tracked",
    "family_impls",
    "flags_display",
];

/// `Entry<T>`, `FamilyKind`, `RawEntry`, `Family`, `Release` and friends: fixed items,
/// written once as prettyplease prints them (a blank line between items), so the
/// emitter need not build, parse and print the same tokens for every file. A unit
/// test checks that the text parses as Rust and is prettyplease's own output.
pub const ITEMS_TEXT: &str = r##"/// One known value of a family: the value, its C name, and the header's comment.
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

/// A tracked source of these tables, oldest first: an index into [`RELEASES`].
/// Kernel releases are ordered by version number, not by date.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub struct Release(pub u16);

/// One tracked release.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct ReleaseInfo {
    /// The label: `v3.10.65`, or a file name for an ad-hoc header.
    pub label: &'static str,
    /// The kernel version the label names, `[major, minor, patch, rc]` (rc 0 for a
    /// release), or `None` when it names none.
    pub version: Option<[u16; 4]>,
}

/// A number space whose values can be looked up per release.
pub trait Tracked: Copy {
    /// Whether `release` has a name for this value.
    fn known_in(self, release: Release) -> bool;
}

impl Release {
    /// The oldest tracked release.
    pub const FIRST: Release = Release(0);
    /// What is known about this release; `None` past the end of [`RELEASES`].
    pub fn info(self) -> Option<&'static ReleaseInfo> {
        RELEASES.get(usize::from(self.0))
    }
    /// The label, or "" past the end of [`RELEASES`].
    pub fn label(self) -> &'static str {
        self.info().map_or("", |i| i.label)
    }
    /// Every tracked release, oldest first.
    pub fn all() -> impl Iterator<Item = Release> {
        (0..RELEASES.len() as u16).map(Release)
    }
    /// Whether this release has a name for `value`.
    pub fn has<T: Tracked>(self, value: T) -> bool {
        value.known_in(self)
    }
    /// The tracked release with exactly this label or version: `v2.6.18`,
    /// `2.6.18` and `linux-2.6.18` all name `v2.6.18`.
    pub fn from_label_exact(label: &str) -> Option<Release> {
        let version = Self::parse_version(label);
        RELEASES
            .iter()
            .position(|r| {
                r.label == label || (version.is_some() && r.version == version)
            })
            .map(|i| Release(i as u16))
    }
    /// The release-line floor rule: the tracked release of exactly this label or
    /// version, else the newest tracked release whose release line (`2.6.x`
    /// before 3.0, `major.minor` from 3.0) is not newer than the one `label`
    /// names. So `3.10.0-1160.el7` resolves to the tracked 3.10 release (or the
    /// newest before it), `6.15` past the newest tracked one to the newest.
    /// `None` when `label` names no version, or one older than every tracked
    /// release.
    pub fn from_label(label: &str) -> Option<Release> {
        if let Some(r) = Self::from_label_exact(label) {
            return Some(r);
        }
        let line = Self::line(Self::parse_version(label)?);
        let mut found = None;
        for (i, r) in RELEASES.iter().enumerate() {
            if let Some(v) = r.version {
                if Self::line(v) <= line {
                    found = Some(Release(i as u16));
                }
            }
        }
        found
    }
    /// The release line of a version: `[2, 6, x]` before 3.0, `[major, minor, 0]`
    /// after.
    const fn line(v: [u16; 4]) -> [u16; 3] {
        if v[0] < 3 { [v[0], v[1], v[2]] } else { [v[0], v[1], 0] }
    }
    /// Parses `[linux-headers-|linux-][v]major.minor[.patch][-rcN]`, ignoring
    /// anything after (`-1160.el7`, `+deb12`): `[major, minor, patch, rc]`.
    pub fn parse_version(label: &str) -> Option<[u16; 4]> {
        let mut s = label.trim().as_bytes();
        for p in [&b"linux-headers-"[..], b"linux-", b"v", b"V"] {
            if let Some(rest) = s.strip_prefix(p) {
                s = rest;
                break;
            }
        }
        let mut out = [0u16; 4];
        let mut count = 0;
        let mut i = 0;
        loop {
            let start = i;
            let mut n: u32 = 0;
            while let Some(d) = s.get(i).filter(|b| b.is_ascii_digit()) {
                n = n * 10 + u32::from(d - b'0');
                if n > u32::from(u16::MAX) {
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
            let more = s.get(i) == Some(&b'.')
                && s.get(i + 1).is_some_and(|b| b.is_ascii_digit());
            if !more {
                break;
            }
            i += 1;
        }
        if count < 2 {
            return None;
        }
        if let Some(rest) = s.get(i..).and_then(|r| r.strip_prefix(b"-rc")) {
            let mut n: u32 = 0;
            for d in rest.iter().take_while(|b| b.is_ascii_digit()) {
                n = (n * 10 + u32::from(d - b'0')).min(u32::from(u16::MAX));
            }
            out[3] = n as u16;
        }
        Some(out)
    }
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
"##;

/// The macros that expand what every newtype shares (its methods, conversions,
/// `Debug`, and for flags `Display` and the bit operators). Fixed text, not built
/// from any header: printed as written (prettyplease would flatten a macro body).
pub const MACROS: &str = r##"#[allow(unused_macros)]
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

#[allow(unused_macros)]
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
                since: u16,
                until: u16,
            ) -> Entry<Self> {
                Entry { value: Self(value), name, doc, expr, since: Release(since), until: Release(until) }
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
                rows.find(|e| e.name == name && e.present_in(release)).map(|e| e.value)
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
"##;

/// One `Family { .. }` row of `FAMILIES`.
fn row(p: &FamilyPlan) -> TokenStream {
    let rust_name = str_lit(&p.rust_name);
    let c_name = str_lit(&p.c_name);
    let prefix = str_lit(&p.strip);
    let doc = str_lit(p.doc.trim());
    let kind = format_ident!("{}", p.kind.variant());
    let len = Literal::usize_unsuffixed(p.entries.len());
    let entry = if p.kind == Kind::Constants {
        let rows = p.entries.iter().map(|e| {
            let v = value_lit(e.value, false, 0);
            let n = str_lit(&e.name);
            let d = str_lit(e.doc.trim());
            let (since, until) = release_lits(e);
            quote! { RawEntry { value: #v, name: #n, doc: #d, since: Release(#since), until: Release(#until) } }
        });
        quote! {
            |i| {
                const ROWS: &[RawEntry] = &[#(#rows),*];
                ROWS.get(i).copied()
            }
        }
    } else {
        let ty = format_ident!("{}", p.rust_name);
        quote! { #ty::raw_entry }
    };
    quote! {
        Family {
            rust_name: #rust_name,
            c_name: #c_name,
            prefix: #prefix,
            doc: #doc,
            kind: FamilyKind::#kind,
            len: #len,
            entry: #entry,
        }
    }
}

/// The `since` and `until` literals of a row.
pub fn release_lits(e: &EntryPlan) -> (Literal, Literal) {
    (
        Literal::u16_unsuffixed(e.since as u16),
        Literal::u16_unsuffixed(e.until as u16),
    )
}

/// `pub static RELEASES`: the file's sources, oldest first.
pub fn releases_static(releases: &[ReleasePlan]) -> TokenStream {
    let latest = Literal::u16_unsuffixed(releases.len().saturating_sub(1) as u16);
    let rows = releases.iter().map(|r| {
        let label = str_lit(&r.label);
        let version = match r.version {
            Some(v) => {
                let [a, b, c, d] = [v.major, v.minor, v.patch, v.rc].map(Literal::u16_unsuffixed);
                quote! { Some([#a, #b, #c, #d]) }
            }
            None => quote! { None },
        };
        quote! { ReleaseInfo { label: #label, version: #version } }
    });
    quote! {
        /// Every source these tables were generated from, oldest first; `Release(i)` is
        /// the i-th.
        pub static RELEASES: &[ReleaseInfo] = &[#(#rows),*];

        impl Release {
            /// The newest tracked release.
            pub const LATEST: Release = Release(#latest);
        }
    }
}

/// `pub static FAMILIES: &[Family]`, in the plan's (header) order.
pub fn families_static(families: &[FamilyPlan]) -> TokenStream {
    let rows = families.iter().map(row);
    quote! {
        /// Every family of this header, in header order.
        pub static FAMILIES: &[Family] = &[#(#rows),*];
    }
}
