//! From models to a plan of what to emit: the union of several versions of one
//! header (one per source label), grouped into families by the spec, each family
//! with its Rust name, integer type, display prefix, doc and sorted entries. All
//! decisions and checks happen here, so the shape modules only print tokens.

use std::collections::BTreeMap;

use crate::error::{Error, Result};
use crate::families::{FamilySpec, IntType, Kind, Spec, section_matches};
use crate::model::{Define, Header, Source};
use crate::version::KernelVersion;

use super::ident::{common_prefix, default_rust_name, upper_camel};

/// One known value of a family.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryPlan {
    /// The C name.
    pub name: String,
    /// The value (for keyed families, `class << 8 | detail`).
    pub value: i128,
    /// The header comment, or "".
    pub doc: String,
    /// The C initializer or macro body, or "" when implicit.
    pub expr: String,
    /// 1-based line in the newest header that has it.
    pub line: u32,
    /// Whether its literal prints in hex: the spec's `hex`, else as the C source
    /// wrote it (`0x..`).
    pub hex: bool,
    /// The Rust const name: the spec's rename, else the C name (with `_` after a
    /// keyword that cannot be raw; other keywords print as `r#fn`).
    pub rust: String,
    /// Whether `rust` comes from a spec rename (variants then derive from it).
    pub renamed: bool,
    /// The first source (index into [`FilePlan::releases`]) of the run of sources
    /// that have this name with this value.
    pub since: usize,
    /// The last source of that run.
    pub until: usize,
    /// Whether this is the row of its C name the associated const and the Rust enum
    /// use: the newest (latest `until`) of the name's rows.
    pub current: bool,
}

/// Everything needed to print one family.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FamilyPlan {
    /// The Rust type name (for constants, the family's name).
    pub rust_name: String,
    /// What the C side calls it: `enum iscsi_err`, `ISCSI_OP_* (#define)`.
    pub c_name: String,
    /// The prefix stripped for short names.
    pub strip: String,
    /// The family's doc, or "".
    pub doc: String,
    /// The kind of number space.
    pub kind: Kind,
    /// The integer type.
    pub ty: IntType,
    /// Whether values print in hex: `Some` from the spec (or the kind), `None` to
    /// follow each C expression.
    pub hex: Option<bool>,
    /// Whether it comes from a C enum (and so gets a Rust enum of known values).
    pub is_enum: bool,
    /// The header path and line of the enum or first member.
    pub path: String,
    /// See `path`.
    pub line: u32,
    /// Known values, one row per (name, value, run of sources), sorted by value, then
    /// newest first (`until` descending), then name, then `since`.
    pub entries: Vec<EntryPlan>,
}

/// One source of a generated file, as the release table lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReleasePlan {
    /// The label: `v2.6.18`, `v6.1.192`, or a file name for an ad-hoc header.
    pub label: String,
    /// The kernel version the label names, if it names one.
    pub version: Option<KernelVersion>,
    /// The name of its `Release` constant in the generated file: `V2_6_18`, `V4_1_RC6`,
    /// `R_ISCSI_IF_H` for a label that names no version (see [`release_const`]).
    pub rust: String,
}

impl ReleasePlan {
    /// The constant a table row names release `i` of `releases` by: `LATEST` for the
    /// newest, so that adding a release changes no row that lasts to the newest.
    pub fn row_name(releases: &[ReleasePlan], i: usize) -> &str {
        if i + 1 == releases.len() {
            "LATEST"
        } else {
            releases.get(i).map_or("LATEST", |r| r.rust.as_str())
        }
    }

    /// The label of release `i`, or `?` past the end.
    pub fn label_of(releases: &[ReleasePlan], i: usize) -> &str {
        releases.get(i).map_or("?", |r| r.label.as_str())
    }
}

/// The `Release` constant names for `labels`, in order: the label upper-cased with every
/// run of other characters than ASCII letters and digits as one `_` (`v4.1-rc6` gives
/// `V4_1_RC6`), with `V` before a leading digit (`3.10.0-1160.el7` gives `V3_10_0_1160_EL7`)
/// and `R_` before a label that names no kernel version (`iscsi_if.h` gives `R_ISCSI_IF_H`).
/// A name taken by an earlier label gets `_2`, `_3`, ...
pub fn release_consts(labels: &[&str]) -> Vec<String> {
    let mut taken = std::collections::BTreeSet::new();
    labels
        .iter()
        .map(|label| {
            let base = release_const(label);
            let mut name = base.clone();
            let mut n = 2;
            while !taken.insert(name.clone()) {
                name = format!("{base}_{n}");
                n += 1;
            }
            name
        })
        .collect()
}

/// The constant name of one label, before collisions are resolved (see [`release_consts`]).
pub fn release_const(label: &str) -> String {
    let mut out = String::new();
    for c in label.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_uppercase());
        } else if !out.ends_with('_') {
            out.push('_');
        }
    }
    let out = out.trim_matches('_');
    if KernelVersion::parse(label).is_none() || out.is_empty() {
        format!("R_{out}")
    } else if out.starts_with(|c: char| c.is_ascii_digit()) {
        format!("V{out}")
    } else {
        out.to_string()
    }
}

/// What one generated file contains.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilePlan {
    /// The header's file name: `iscsi_if.h`.
    pub file: String,
    /// The sources, in the order given (oldest first).
    pub sources: Vec<Source>,
    /// The same sources as releases: `Release(i)` is `releases[i]`.
    pub releases: Vec<ReleasePlan>,
    /// Families in header order.
    pub families: Vec<FamilyPlan>,
}

struct Builder {
    plan: FamilyPlan,
    /// (rank of the newest header that has it, line there).
    order: (usize, u32),
    /// For enums: the tag, to tell two enums of one Rust name apart.
    origin: String,
    ty_override: Option<IntType>,
    rename: BTreeMap<String, String>,
    /// (C name, value) → the sources (oldest-first index) that have it, each with
    /// the entry as that source writes it.
    rows: BTreeMap<(String, i128), Vec<(usize, EntryPlan)>>,
}

/// Builds the plan for `headers` (versions of header file `file`, oldest first).
pub fn plan(headers: &[Header], spec: &Spec, file: &str) -> Result<FilePlan> {
    if headers.is_empty() {
        return Err(Error::msg(format!("no source given for {file}")));
    }
    // A spec typo shows as a name no source has; that check needs the whole tracked
    // history (`pipeline::generate_from_store`), since one header, or a few, lack
    // the names of other eras by nature.
    let mut labels = std::collections::BTreeSet::new();
    if let Some(h) = headers
        .iter()
        .find(|h| !labels.insert(h.source.label.as_str()))
    {
        return Err(Error::msg(format!(
            "{file}: source label {} is given twice",
            h.source.label
        )));
    }
    if headers.len() > usize::from(u16::MAX) {
        return Err(Error::msg(format!("{file}: too many sources")));
    }
    let n = headers.len();
    let mut builders: Vec<Builder> = Vec::new();
    for (rank, header) in headers.iter().rev().enumerate() {
        let index = n - 1 - rank;
        let mut h = header.clone();
        spec.assign_as(&mut h, file)?;
        let path = h.source.path.clone();
        for e in &h.enums {
            let members: Vec<&str> = e.enumerators.iter().map(|x| x.name.as_str()).collect();
            let es = spec.enum_spec(e.name.as_deref(), &members);
            let rust_name = match (es.and_then(|s| s.name.clone()), &e.name) {
                (Some(n), _) => n,
                (None, Some(tag)) => upper_camel(tag),
                (None, None) => {
                    return Err(Error::at(
                        &path,
                        e.line,
                        1,
                        format!(
                            "anonymous enum (first member {}) needs a name: add an [[enum]] \
                             entry with `member` and `name` to {}",
                            members.first().copied().unwrap_or("none"),
                            spec.path.display()
                        ),
                    ));
                }
            };
            let origin = format!("enum {}", e.name.as_deref().unwrap_or("(anonymous)"));
            let b = builder(&mut builders, &rust_name, &origin, &path, e.line, || {
                Builder {
                    plan: FamilyPlan {
                        rust_name: rust_name.clone(),
                        c_name: origin.clone(),
                        strip: es.and_then(|s| s.strip.clone()).unwrap_or_default(),
                        doc: es
                            .and_then(|s| s.doc.clone())
                            .or_else(|| e.doc.clone())
                            .unwrap_or_default(),
                        kind: es.and_then(|s| s.kind).unwrap_or(Kind::Values),
                        ty: IntType::U32,
                        hex: None,
                        is_enum: true,
                        path: path.clone(),
                        line: e.line,
                        entries: Vec::new(),
                    },
                    order: (rank, e.line),
                    origin: origin.clone(),
                    ty_override: es.and_then(|s| s.ty),
                    rename: es.map(|s| s.rename.clone()).unwrap_or_default(),
                    rows: BTreeMap::new(),
                }
            })?;
            for x in &e.enumerators {
                let entry = EntryPlan {
                    name: x.name.clone(),
                    value: x.value,
                    doc: x.doc.clone().unwrap_or_default(),
                    expr: x.expr.clone().unwrap_or_default(),
                    line: x.line,
                    hex: false,
                    rust: String::new(),
                    renamed: false,
                    since: index,
                    until: index,
                    current: false,
                };
                add(b, index, entry);
            }
        }
        for d in &h.defines {
            let Some(fname) = &d.family else { continue };
            let Some(fs) = spec.families_of(file).find(|f| &f.name == fname) else {
                continue;
            };
            let origin = String::from("#define");
            let b = builder(&mut builders, fname, &origin, &path, d.line, || Builder {
                plan: FamilyPlan {
                    rust_name: fname.clone(),
                    c_name: fs.c_name.clone().unwrap_or_else(|| define_c_name(fs)),
                    strip: fs.strip.clone().unwrap_or_default(),
                    doc: fs
                        .doc
                        .clone()
                        .or_else(|| d.section.clone())
                        .unwrap_or_default(),
                    kind: fs.kind,
                    ty: fs.ty,
                    hex: fs.hex(),
                    is_enum: false,
                    path: path.clone(),
                    line: d.line,
                    entries: Vec::new(),
                },
                order: (rank, d.line),
                origin: origin.clone(),
                ty_override: Some(fs.ty),
                rename: fs.rename.clone(),
                rows: BTreeMap::new(),
            })?;
            let value = if fs.kind == Kind::Keyed {
                keyed_value(fs, d, &h, spec)?
            } else {
                d.value
            };
            let entry = EntryPlan {
                name: d.name.clone(),
                value,
                doc: d.doc.clone().unwrap_or_default(),
                expr: d.expr.clone(),
                line: d.line,
                hex: false,
                rust: String::new(),
                renamed: false,
                since: index,
                until: index,
                current: false,
            };
            add(b, index, entry);
        }
    }
    builders.sort_by_key(|b| b.order);
    let families = builders
        .into_iter()
        .map(finish)
        .collect::<Result<Vec<_>>>()?;
    let labels: Vec<&str> = headers.iter().map(|h| h.source.label.as_str()).collect();
    let releases = labels
        .iter()
        .zip(release_consts(&labels))
        .map(|(label, rust)| ReleasePlan {
            label: label.to_string(),
            version: KernelVersion::parse(label),
            rust,
        })
        .collect();
    Ok(FilePlan {
        file: file.to_string(),
        sources: headers.iter().map(|h| h.source.clone()).collect(),
        releases,
        families,
    })
}

/// Finds or creates the builder for `rust_name`; two different C origins with one
/// Rust name are an error.
fn builder<'a>(
    builders: &'a mut Vec<Builder>,
    rust_name: &str,
    origin: &str,
    path: &str,
    line: u32,
    make: impl FnOnce() -> Builder,
) -> Result<&'a mut Builder> {
    let i = match builders.iter().position(|b| b.plan.rust_name == rust_name) {
        Some(i) => {
            if builders[i].origin != origin {
                return Err(Error::at(
                    path,
                    line,
                    1,
                    format!(
                        "two families are both named `{rust_name}` ({} and {origin}); rename one \
                         in the spec",
                        builders[i].origin
                    ),
                ));
            }
            i
        }
        None => {
            builders.push(make());
            builders.len() - 1
        }
    };
    Ok(&mut builders[i])
}

/// Records that source `index` has `entry` (a name with a value). A name whose
/// value changes between sources gets one row per value (and per run of sources).
fn add(b: &mut Builder, index: usize, entry: EntryPlan) {
    b.rows
        .entry((entry.name.clone(), entry.value))
        .or_default()
        .push((index, entry));
}

/// The rows of a builder: each (name, value) split into runs of consecutive
/// sources, each run taking the text (expression, doc, line) of its newest source.
fn rows(acc: BTreeMap<(String, i128), Vec<(usize, EntryPlan)>>) -> Vec<EntryPlan> {
    let mut out = Vec::new();
    for (_, mut seen) in acc {
        seen.sort_by_key(|(i, _)| *i);
        let mut run: Option<(usize, usize, EntryPlan)> = None;
        for (i, e) in seen {
            run = match run {
                Some((since, until, _)) if until + 1 == i => Some((since, i, e)),
                Some((since, until, last)) => {
                    out.push(EntryPlan {
                        since,
                        until,
                        ..last
                    });
                    Some((i, i, e))
                }
                None => Some((i, i, e)),
            };
        }
        if let Some((since, until, last)) = run {
            out.push(EntryPlan {
                since,
                until,
                ..last
            });
        }
    }
    let mut newest: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    for e in &out {
        let k = newest.entry(e.name.clone()).or_insert((e.until, e.since));
        *k = (*k).max((e.until, e.since));
    }
    for e in &mut out {
        e.current = newest.get(&e.name) == Some(&(e.until, e.since));
    }
    out
}

/// `class << 8 | detail` for a member of a keyed family; the class comes from the
/// define named by the spec's class entry for the member's section.
fn keyed_value(fs: &FamilySpec, d: &Define, h: &Header, spec: &Spec) -> Result<i128> {
    let at = |m: String| Error::at(&h.source.path, d.line, 1, m);
    let class = fs
        .classes
        .iter()
        .find(|c| section_matches(d.section.as_deref(), &c.section))
        .ok_or_else(|| {
            at(format!(
                "{} is in keyed family {} but its section {:?} matches no class in {}",
                d.name,
                fs.name,
                d.section.as_deref().unwrap_or(""),
                spec.path.display()
            ))
        })?;
    let cv = h
        .define(&class.class)
        .ok_or_else(|| {
            at(format!(
                "class define {} is not in this header",
                class.class
            ))
        })?
        .value;
    if !(0..=0xff).contains(&cv) || !(0..=0xff).contains(&d.value) {
        return Err(at(format!(
            "{}: class {} = {cv} and detail {} must both fit in a byte",
            d.name, class.class, d.value
        )));
    }
    Ok((cv << 8) | d.value)
}

fn define_c_name(fs: &FamilySpec) -> String {
    if fs.prefixes.is_empty() {
        match fs.names.as_slice() {
            [] => String::from("#define"),
            [one] => format!("{one} (#define)"),
            [first, .., last] => format!("{first} … {last} (#define)"),
        }
    } else {
        let p: Vec<String> = fs.prefixes.iter().map(|p| format!("{p}*")).collect();
        format!("{} (#define)", p.join(", "))
    }
}

/// Sorts, types and checks a family.
fn finish(b: Builder) -> Result<FamilyPlan> {
    let mut p = b.plan;
    p.entries = rows(b.rows);
    p.entries.sort_by(|x, y| {
        (x.value, std::cmp::Reverse(x.until), &x.name, x.since).cmp(&(
            y.value,
            std::cmp::Reverse(y.until),
            &y.name,
            y.since,
        ))
    });
    p.ty = match b.ty_override {
        Some(t) => t,
        None => IntType::for_enum(p.entries.iter().map(|e| e.value)).ok_or_else(|| {
            Error::at(
                &p.path,
                p.line,
                1,
                format!("{}: values fit no integer type", p.c_name),
            )
        })?,
    };
    if let Some(e) = p.entries.iter().find(|e| !p.ty.fits(e.value)) {
        return Err(Error::at(
            &p.path,
            e.line,
            1,
            format!(
                "{} = {} does not fit {} (the type of family {})",
                e.name, e.value, p.ty, p.rust_name
            ),
        ));
    }
    let mut rust_names: BTreeMap<String, String> = BTreeMap::new();
    for e in &mut p.entries {
        let t = e.expr.trim_start();
        e.hex = p.hex.unwrap_or(t.starts_with("0x") || t.starts_with("0X")) && e.value >= 0;
        match b.rename.get(&e.name) {
            Some(r) => {
                e.rust = r.clone();
                e.renamed = true;
            }
            None => e.rust = default_rust_name(&e.name),
        }
        if let Some(other) = rust_names
            .insert(e.rust.clone(), e.name.clone())
            .filter(|o| *o != e.name)
        {
            return Err(Error::at(
                &p.path,
                e.line,
                1,
                format!(
                    "`{}` and `{other}` would both be `{}::{}`; rename one in the spec",
                    e.name, p.rust_name, e.rust
                ),
            ));
        }
    }
    if p.strip.is_empty() {
        p.strip = common_prefix(p.entries.iter().map(|e| e.name.as_str()));
    }
    Ok(p)
}
