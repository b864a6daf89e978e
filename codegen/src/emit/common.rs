//! The items every generated file has once: the imports of `iscsi_tables::core` (or,
//! for a `--standalone` file, that module's text inlined), the `releases!` list, and the
//! closing `FAMILIES` static that lists each family of the file in header order.

use proc_macro2::{Ident, Literal, TokenStream};
use quote::{format_ident, quote};

use crate::families::Kind;

use super::ident::str_lit;
use super::literal::value_lit;
use super::plan::{EntryPlan, FamilyPlan, ReleasePlan};

/// Names the common items take at module level (types, values, macros, and the private
/// items a `--standalone` file inlines); no family or constant may take one.
pub const RESERVED: &[&str] = &[
    "Entry",
    "FamilyKind",
    "RawEntry",
    "Family",
    "FAMILIES",
    "Release",
    "ReleaseIndex",
    "ReleaseInfo",
    "Releases",
    "RELEASES",
    "LATEST",
    "Tracked",
    "family_impls",
    "flags_display",
    "releases",
    "parse_version",
    "release_line",
    "starts_with",
];

/// `tables/src/core.rs`, the hand-written module the generated files use: the
/// `--standalone` form inlines it.
pub const CORE_RS: &str = include_str!("../../../tables/src/core.rs");

/// How a generated file reaches the shared items.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub enum Form {
    /// For `iscsi-tables`: `use crate::core::...` (the committed `tables/generated/`).
    #[default]
    Crate,
    /// One self-contained file for vendoring: `core.rs` inlined, no `crate::` path, a
    /// module file (`mod iscsi_if;`) that compiles alone on edition 2018 and later.
    Standalone,
}

/// The text after the banner and before the first family: the shared items (imported or
/// inlined) and the `releases!` list.
pub fn preamble(form: Form, families: &[FamilyPlan], releases: &[ReleasePlan]) -> String {
    let mut out = String::new();
    match form {
        Form::Crate => {
            out.push_str(
                "pub use crate::core::{\n    Entry, Family, FamilyKind, RawEntry, Release, ReleaseInfo, Releases, Tracked,\n};\n",
            );
            let mut macros = vec!["family_impls", "releases"];
            if families.iter().any(|f| f.kind == Kind::Flags) {
                macros.insert(1, "flags_display");
            }
            if families.iter().all(|f| f.kind == Kind::Constants) {
                macros.retain(|m| *m != "family_impls");
            }
            out.push_str(&format!(
                "use crate::core::{{{}}};
",
                macros.join(", ")
            ));
        }
        Form::Standalone => out.push_str(&standalone_core()),
    }
    out.push('\n');
    out.push_str(&releases_text(releases));
    out
}

/// `core.rs` as the inlined part of a standalone file: without its module comment and
/// without the `pub(crate) use` lines that export its macros to the crate (in one file,
/// the macros are in scope where they are defined).
pub fn standalone_core() -> String {
    let mut out = String::with_capacity(CORE_RS.len());
    let mut lines = CORE_RS
        .lines()
        .skip_while(|l| l.starts_with("//!"))
        .peekable();
    while lines.peek().is_some_and(|l| l.trim().is_empty()) {
        lines.next();
    }
    let mut pending: Option<&str> = None;
    for l in lines {
        if l == "#[allow(unused_imports)]" {
            pending = Some(l);
            continue;
        }
        if let Some(p) = pending.take() {
            if l.starts_with("pub(crate) use ") {
                continue;
            }
            out.push_str(p);
            out.push('\n');
        }
        out.push_str(l);
        out.push('\n');
    }
    out
}

/// The inner attributes a standalone file starts with: a vendored private module uses
/// only some of the tables, and must not warn about the rest.
pub const STANDALONE_ATTRS: &str = "#![allow(dead_code, unused_macros)]\n";

/// `releases! { V2_6_15 = "v2.6.15", ... }`: one line per release, so a new release is a
/// one-line change. Names are built from `[A-Z0-9_]` only; labels are escaped literals.
pub fn releases_text(releases: &[ReleasePlan]) -> String {
    let mut out = String::from("releases! {\n");
    for r in releases {
        out.push_str(&format!("    {} = {},\n", r.rust, str_lit(&r.label)));
    }
    out.push_str("}\n");
    out
}

/// One `Family { .. }` row of `FAMILIES`.
fn row(p: &FamilyPlan, releases: &[ReleasePlan]) -> TokenStream {
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
            let (since, until) = release_lits(e, releases);
            quote! { RawEntry { value: #v, name: #n, doc: #d, since: #since, until: #until } }
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

/// The `since` and `until` of a row: the release constants (`V2_6_31`, `LATEST`).
pub fn release_lits(e: &EntryPlan, releases: &[ReleasePlan]) -> (Ident, Ident) {
    (
        format_ident!("{}", ReleasePlan::row_name(releases, e.since)),
        format_ident!("{}", ReleasePlan::row_name(releases, e.until)),
    )
}

/// `pub static FAMILIES: &[Family]`, in the plan's (header) order.
pub fn families_static(families: &[FamilyPlan], releases: &[ReleasePlan]) -> TokenStream {
    let rows = families.iter().map(|f| row(f, releases));
    quote! {
        /// Every family of this header, in header order.
        pub static FAMILIES: &[Family] = &[#(#rows),*];
    }
}
