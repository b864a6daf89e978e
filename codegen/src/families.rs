//! The family stage: a reviewed spec (`headers/families.toml`) that groups every
//! integer `#define` of a header into a named family (a Rust type in `generated/`),
//! or excludes it with a written reason. The rule it enforces is that nothing is
//! dropped silently: a define that no family claims and no exclusion names stops the
//! generator with its name and `file:line`, so a new kernel constant is always seen.
//!
//! C enums need no spec entry: each is a family of its own. The spec may still
//! rename one, give it a doc, a display prefix or a C integer type.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

use crate::error::{Error, Result};
use crate::model::{Define, Header, Location};

/// What kind of number space a family is; mirrors `FamilyKind` in `generated/`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// Distinct codes: a newtype with one const per name.
    Values,
    /// Bits combined with `|`: a newtype whose Display decomposes.
    Flags,
    /// `(class, detail)` pairs packed as `class << 8 | detail` (login status).
    Keyed,
    /// Unrelated limits and sizes: module-level consts, no newtype.
    Constants,
}

impl Kind {
    /// The `FamilyKind` variant name in the generated code.
    pub fn variant(self) -> &'static str {
        match self {
            Kind::Values => "Values",
            Kind::Flags => "Flags",
            Kind::Keyed => "Keyed",
            Kind::Constants => "Constants",
        }
    }
}

/// The C integer type a family's values are stored in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum IntType {
    /// `uint8_t`.
    U8,
    /// `uint16_t`.
    U16,
    /// `uint32_t`.
    U32,
    /// `uint64_t`.
    U64,
    /// `int8_t`.
    I8,
    /// `int16_t`.
    I16,
    /// `int32_t`.
    I32,
    /// `int64_t`.
    I64,
}

impl IntType {
    /// The Rust primitive's name: `u8`.
    pub fn name(self) -> &'static str {
        match self {
            IntType::U8 => "u8",
            IntType::U16 => "u16",
            IntType::U32 => "u32",
            IntType::U64 => "u64",
            IntType::I8 => "i8",
            IntType::I16 => "i16",
            IntType::I32 => "i32",
            IntType::I64 => "i64",
        }
    }

    /// The inclusive range of values the type holds.
    pub fn range(self) -> (i128, i128) {
        match self {
            IntType::U8 => (0, u8::MAX.into()),
            IntType::U16 => (0, u16::MAX.into()),
            IntType::U32 => (0, u32::MAX.into()),
            IntType::U64 => (0, u64::MAX.into()),
            IntType::I8 => (i8::MIN.into(), i8::MAX.into()),
            IntType::I16 => (i16::MIN.into(), i16::MAX.into()),
            IntType::I32 => (i32::MIN.into(), i32::MAX.into()),
            IntType::I64 => (i64::MIN.into(), i64::MAX.into()),
        }
    }

    /// Whether `value` fits.
    pub fn fits(self, value: i128) -> bool {
        let (lo, hi) = self.range();
        (lo..=hi).contains(&value)
    }

    /// The type C gives an enum with these values: `u32` when all are non-negative
    /// and fit, else `i32`, else `i64`, else `u64`; `None` when nothing fits.
    pub fn for_enum(values: impl IntoIterator<Item = i128> + Clone) -> Option<IntType> {
        [IntType::U32, IntType::I32, IntType::I64, IntType::U64]
            .into_iter()
            .find(|t| values.clone().into_iter().all(|v| t.fits(v)))
    }
}

impl fmt::Display for IntType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A spec entry for a C enum: everything optional, the enum is a family anyway.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnumSpec {
    /// The C tag (`iscsi_uevent_e`); or use `member` for an anonymous enum.
    #[serde(default)]
    pub tag: Option<String>,
    /// Any enumerator of the enum, to name an anonymous one.
    #[serde(default)]
    pub member: Option<String>,
    /// The Rust type name; default: the tag in UpperCamelCase.
    #[serde(default)]
    pub name: Option<String>,
    /// The prefix stripped for short names and variants; default: the common prefix.
    #[serde(default)]
    pub strip: Option<String>,
    /// A doc that replaces the header's comment above the enum.
    #[serde(default)]
    pub doc: Option<String>,
    /// `values` (default) or `flags`.
    #[serde(default)]
    pub kind: Option<Kind>,
    /// The integer type; default: what C gives the enum (see [`IntType::for_enum`]).
    #[serde(default, rename = "type")]
    pub ty: Option<IntType>,
    /// Rust names for C names that cannot be used as they are (C name → Rust
    /// const name); the Rust enum variant is the rename in UpperCamelCase.
    #[serde(default)]
    pub rename: BTreeMap<String, String>,
    /// Where this entry is in the spec file.
    #[serde(skip, default = "nowhere")]
    pub at: Location,
}

/// A class of a keyed family: the members under a section comment share a class.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClassSpec {
    /// The start of the section comment (`Class-2`).
    pub section: String,
    /// The #define holding the class value (`ISCSI_STATUS_CLS_INITIATOR_ERR`).
    pub class: String,
}

/// A family of `#define`s.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FamilySpec {
    /// The Rust type name (`IscsiOpcode`); for constants, the family's name.
    pub name: String,
    /// The header's file name (`iscsi_proto.h`).
    pub header: String,
    /// What kind of number space it is.
    pub kind: Kind,
    /// The C integer type of the values.
    #[serde(rename = "type")]
    pub ty: IntType,
    /// Members by name prefix. An explicit `names` entry of another family wins
    /// over a prefix match; two prefix matches are an error.
    #[serde(default)]
    pub prefixes: Vec<String>,
    /// Members by exact name.
    #[serde(default)]
    pub names: Vec<String>,
    /// When not empty, prefix matches count only under a section comment starting
    /// with one of these.
    #[serde(default)]
    pub sections: Vec<String>,
    /// The prefix stripped for short names; default: the members' common prefix.
    #[serde(default)]
    pub strip: Option<String>,
    /// The family's doc; default: the section comment above its first member.
    #[serde(default)]
    pub doc: Option<String>,
    /// What the C side calls it; default: the prefixes, as `ISCSI_OP_* (#define)`.
    #[serde(default)]
    pub c_name: Option<String>,
    /// Print values in hex in the generated code; default: always for flags and
    /// keyed, else as the C source wrote each value.
    #[serde(default)]
    pub hex: Option<bool>,
    /// Keyed only: the class of each section.
    #[serde(default, rename = "class")]
    pub classes: Vec<ClassSpec>,
    /// Rust names for C names that cannot be used as they are (C name → Rust
    /// const name).
    #[serde(default)]
    pub rename: BTreeMap<String, String>,
    /// Where this entry is in the spec file.
    #[serde(skip, default = "nowhere")]
    pub at: Location,
}

impl FamilySpec {
    /// Whether `define` is a member through a prefix (and section) match.
    pub fn prefix_matches(&self, define: &Define) -> bool {
        self.prefixes
            .iter()
            .any(|p| define.name.starts_with(p.as_str()))
            && (self.sections.is_empty()
                || self
                    .sections
                    .iter()
                    .any(|s| section_matches(define.section.as_deref(), s)))
    }

    /// Whether values print in hex: the spec's `hex`, else always for flags and
    /// keyed families, else `None` (each value as its C expression wrote it).
    pub fn hex(&self) -> Option<bool> {
        self.hex.or(match self.kind {
            Kind::Flags | Kind::Keyed => Some(true),
            Kind::Values | Kind::Constants => None,
        })
    }
}

/// Whether a define's section comment starts with the spec's `pattern`.
pub fn section_matches(section: Option<&str>, pattern: &str) -> bool {
    section.is_some_and(|s| s.trim().starts_with(pattern.trim()))
}

/// A `#define` deliberately left out of every family, with the reason.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExcludeSpec {
    /// The macro name.
    pub name: String,
    /// The header's file name.
    pub header: String,
    /// Why it is not a family member (required, non-empty).
    pub reason: String,
    /// Where this entry is in the spec file.
    #[serde(skip, default = "nowhere")]
    pub at: Location,
}

fn nowhere() -> Location {
    Location { line: 0, column: 0 }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSpec {
    #[serde(default, rename = "enum")]
    enums: Vec<Spanned<EnumSpec>>,
    #[serde(default, rename = "family")]
    families: Vec<Spanned<FamilySpec>>,
    #[serde(default, rename = "exclude")]
    excludes: Vec<Spanned<ExcludeSpec>>,
}

/// The family spec: `headers/families.toml`, parsed and checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spec {
    /// The file it was read from (for error positions).
    pub path: PathBuf,
    /// Per-enum overrides.
    pub enums: Vec<EnumSpec>,
    /// The `#define` families, in spec order.
    pub families: Vec<FamilySpec>,
    /// The excluded `#define`s.
    pub excludes: Vec<ExcludeSpec>,
}

/// Which family, if any, the spec puts a define in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Membership<'a> {
    /// A member of this family.
    Family(&'a FamilySpec),
    /// Excluded on purpose.
    Excluded(&'a ExcludeSpec),
}

/// The file name the spec uses for a header: the last component of its path.
pub fn header_key(header: &Header) -> &str {
    let p = header.source.path.as_str();
    p.rsplit(['/', '\\']).next().unwrap_or(p)
}

/// Whether `s` is an identifier that needs no `r#`: ASCII, not a keyword.
fn is_rust_name(s: &str) -> bool {
    crate::rust_name::is_ident_shaped(s) && !crate::rust_name::is_keyword(s)
}

/// Whether `s` is a C-style identifier that can name a Rust type.
fn is_type_name(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_ascii_uppercase())
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        && s != "Self"
}

/// `headers/families.toml` as this generator was built with it: the spec `generate`
/// uses when no `--spec` is given and no workspace's spec is found (an installed
/// `iscsi-codegen` run by `iscsi-tables`' build script on a crates.io download).
pub const BUILTIN_SPEC: &str = include_str!("../../headers/families.toml");

impl Spec {
    /// The built-in spec, [`BUILTIN_SPEC`].
    pub fn builtin() -> Result<Spec> {
        Spec::parse(BUILTIN_SPEC, "families.toml (built in)")
    }

    /// Reads and checks the spec file.
    pub fn load(path: impl AsRef<Path>) -> Result<Spec> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path)
            .map_err(|e| Error::msg(format!("cannot read {}: {e}", path.display())))?;
        Spec::parse(&text, path)
    }

    /// Parses and checks spec text; `path` is used in error positions only.
    pub fn parse(text: &str, path: impl AsRef<Path>) -> Result<Spec> {
        let path = path.as_ref().to_path_buf();
        let raw: RawSpec = toml::from_str(text).map_err(|e| {
            let at = e.span().map_or(nowhere(), |s| Location::of_span(text, s));
            Error::at(&path, at.line, at.column, e.message().to_string())
        })?;
        let enums = raw
            .enums
            .into_iter()
            .map(|s| {
                let at = Location::of_span(text, s.span());
                let mut v = s.into_inner();
                v.at = at;
                v
            })
            .collect();
        let families = raw
            .families
            .into_iter()
            .map(|s| {
                let at = Location::of_span(text, s.span());
                let mut v = s.into_inner();
                v.at = at;
                v
            })
            .collect();
        let excludes = raw
            .excludes
            .into_iter()
            .map(|s| {
                let at = Location::of_span(text, s.span());
                let mut v = s.into_inner();
                v.at = at;
                v
            })
            .collect();
        let spec = Spec {
            path,
            enums,
            families,
            excludes,
        };
        spec.check()?;
        Ok(spec)
    }

    fn err(&self, at: Location, message: impl Into<String>) -> Error {
        Error::at(&self.path, at.line, at.column, message)
    }

    /// Checks what can be checked without a header.
    fn check(&self) -> Result<()> {
        let mut type_names: BTreeMap<(&str, &str), Location> = BTreeMap::new();
        let mut named: BTreeMap<(&str, &str), &str> = BTreeMap::new();
        for f in &self.families {
            if !is_type_name(&f.name) {
                return Err(self.err(
                    f.at,
                    format!(
                        "family name `{}` is not an UpperCamelCase Rust identifier",
                        f.name
                    ),
                ));
            }
            if let Some(prev) = type_names.insert((&f.header, &f.name), f.at) {
                return Err(self.err(
                    f.at,
                    format!(
                        "family `{}` of {} is already defined at line {}",
                        f.name, f.header, prev.line
                    ),
                ));
            }
            if f.prefixes.is_empty() && f.names.is_empty() {
                return Err(self.err(
                    f.at,
                    format!(
                        "family `{}` selects nothing: give `prefixes` or `names`",
                        f.name
                    ),
                ));
            }
            if f.prefixes.iter().any(String::is_empty) {
                return Err(self.err(f.at, format!("family `{}` has an empty prefix", f.name)));
            }
            match f.kind {
                Kind::Keyed => {
                    if f.ty != IntType::U16 {
                        return Err(self.err(
                            f.at,
                            format!(
                                "keyed family `{}` must have type u16 (class << 8 | detail)",
                                f.name
                            ),
                        ));
                    }
                    if f.classes.is_empty() {
                        return Err(self.err(
                            f.at,
                            format!("keyed family `{}` needs [[family.class]] entries", f.name),
                        ));
                    }
                }
                _ if !f.classes.is_empty() => {
                    return Err(self.err(
                        f.at,
                        format!("`class` entries are for keyed families only (`{}`)", f.name),
                    ));
                }
                _ => {}
            }
            for n in &f.names {
                if let Some(other) = named.insert((&f.header, n), &f.name) {
                    return Err(self.err(
                        f.at,
                        format!(
                            "`{n}` is named by both family `{other}` and family `{}`",
                            f.name
                        ),
                    ));
                }
            }
        }
        let renames = self
            .families
            .iter()
            .map(|f| (f.at, &f.rename))
            .chain(self.enums.iter().map(|e| (e.at, &e.rename)));
        for (at, map) in renames {
            if let Some((c, r)) = map.iter().find(|(_, r)| !is_rust_name(r)) {
                return Err(self.err(
                    at,
                    format!("rename of `{c}` to `{r}`: not a Rust identifier (or a keyword)"),
                ));
            }
        }
        let mut excluded = BTreeSet::new();
        for x in &self.excludes {
            if x.reason.trim().is_empty() {
                return Err(self.err(x.at, format!("exclusion of `{}` needs a reason", x.name)));
            }
            if let Some(f) = named.get(&(x.header.as_str(), x.name.as_str())) {
                return Err(self.err(
                    x.at,
                    format!("`{}` is excluded but also named by family `{f}`", x.name),
                ));
            }
            if !excluded.insert((&x.header, &x.name)) {
                return Err(self.err(x.at, format!("`{}` is excluded twice", x.name)));
            }
        }
        for e in &self.enums {
            if e.tag.is_some() == e.member.is_some() {
                return Err(self.err(
                    e.at,
                    "an [[enum]] entry needs exactly one of `tag` or `member`",
                ));
            }
            if let Some(n) = &e.name
                && !is_type_name(n)
            {
                return Err(self.err(
                    e.at,
                    format!("enum name `{n}` is not an UpperCamelCase Rust identifier"),
                ));
            }
            if matches!(e.kind, Some(Kind::Keyed | Kind::Constants)) {
                return Err(self.err(e.at, "an enum family can only be `values` or `flags`"));
            }
        }
        Ok(())
    }

    /// The #define families of one header file, in spec order.
    pub fn families_of<'a>(&'a self, file: &'a str) -> impl Iterator<Item = &'a FamilySpec> + 'a {
        self.families.iter().filter(move |f| f.header == file)
    }

    /// The spec entry for a C enum, by tag or by any of its enumerator names.
    pub fn enum_spec(&self, tag: Option<&str>, members: &[&str]) -> Option<&EnumSpec> {
        self.enums.iter().find(|e| match (&e.tag, &e.member) {
            (Some(t), _) => Some(t.as_str()) == tag,
            (None, Some(m)) => members.contains(&m.as_str()),
            (None, None) => false,
        })
    }

    /// Where the spec puts `define` of header file `file`: its family, its
    /// exclusion, or an error when it is in none or in two.
    pub fn membership<'a>(
        &'a self,
        file: &str,
        header_path: &str,
        define: &Define,
    ) -> Result<Membership<'a>> {
        if let Some(x) = self
            .excludes
            .iter()
            .find(|x| x.header == file && x.name == define.name)
        {
            return Ok(Membership::Excluded(x));
        }
        let mine = || self.families.iter().filter(|f| f.header == file);
        if let Some(f) = mine().find(|f| f.names.contains(&define.name)) {
            return Ok(Membership::Family(f));
        }
        let mut matches = mine().filter(|f| f.prefix_matches(define));
        match (matches.next(), matches.next()) {
            (Some(f), None) => Ok(Membership::Family(f)),
            (Some(a), Some(b)) => Err(Error::at(
                header_path,
                define.line,
                1,
                format!(
                    "#define {} matches two families in {}: `{}` (line {}) and `{}` (line {}); \
                     name it explicitly in one of them",
                    define.name,
                    self.path.display(),
                    a.name,
                    a.at.line,
                    b.name,
                    b.at.line
                ),
            )),
            (None, _) => Err(Error::at(
                header_path,
                define.line,
                1,
                format!(
                    "integer #define {} = {} belongs to no family in {} and is not excluded; \
                     add it to a family or to an [[exclude]] with a reason",
                    define.name,
                    define.value,
                    self.path.display()
                ),
            )
            .with_snippet(&define.expr)),
        }
    }

    /// Sets `Define.family` on every define of `header` (`None` for an excluded
    /// one). Fails, naming the symbol and its `file:line`, when a define belongs to
    /// no family or to two; the first such define is the error's position and the
    /// message lists any others.
    pub fn assign(&self, header: &mut Header) -> Result<()> {
        let file = header_key(header).to_string();
        self.assign_as(header, &file)
    }

    /// [`Spec::assign`] with the spec's file name given explicitly, for a header
    /// whose path does not end in the name the spec uses (`--header /tmp/x.h`).
    pub fn assign_as(&self, header: &mut Header, file: &str) -> Result<()> {
        let path = header.source.path.clone();
        let mut failures: Vec<Error> = Vec::new();
        let mut names = Vec::new();
        for d in &mut header.defines {
            match self.membership(file, &path, d) {
                Ok(Membership::Family(f)) => d.family = Some(f.name.clone()),
                Ok(Membership::Excluded(_)) => d.family = None,
                Err(e) => {
                    names.push(d.name.clone());
                    failures.push(e);
                }
            }
        }
        let mut failures = failures.into_iter();
        match failures.next() {
            None => Ok(()),
            Some(mut first) => {
                if names.len() > 1 {
                    first.message.push_str(&format!(
                        " ({} defines fail this way: {})",
                        names.len(),
                        names.join(", ")
                    ));
                }
                Err(first)
            }
        }
    }

    /// Fails on spec entries for header file `file` that name a symbol none of
    /// `headers` defines (stale `names`, `class` sources and exclusions).
    pub fn check_stale(&self, headers: &[Header], file: &str) -> Result<()> {
        let has_define = |n: &str| headers.iter().any(|h| h.define(n).is_some());
        for f in self.families_of(file) {
            if let Some(n) = f.names.iter().find(|n| !has_define(n)) {
                return Err(self.err(
                    f.at,
                    format!(
                        "family `{}` names `{n}`, which no source of {file} defines",
                        f.name
                    ),
                ));
            }
            for c in &f.classes {
                if !has_define(&c.class) {
                    return Err(self.err(
                        f.at,
                        format!(
                            "family `{}` takes a class from `{}`, which no source of {file} defines",
                            f.name, c.class
                        ),
                    ));
                }
            }
        }
        for x in self.excludes.iter().filter(|x| x.header == file) {
            if !has_define(&x.name) {
                return Err(self.err(
                    x.at,
                    format!(
                        "`{}` is excluded, but no source of {file} defines it",
                        x.name
                    ),
                ));
            }
        }
        Ok(())
    }
}
