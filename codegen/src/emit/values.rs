//! The value newtype: `pub struct IscsiErr(pub u32)` with one associated const per
//! C name, `PREFIX`, the sorted `TABLE`, lookups, conversions, `Display` and
//! `Debug`. Flags and keyed families are the same newtype with a different
//! `Display` and a few extra methods, passed in as a [`Shape`].

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::error::Result;

use super::common::release_lits;
use super::ident::{At, allow_case, code, comment_lines, doc_attrs, ident, str_lit};
use super::literal::value_lit;
use super::plan::{EntryPlan, FamilyPlan};

/// Associated items every newtype defines; a C name equal to one is an error.
const ASSOCIATED: &[&str] = &[
    "PREFIX",
    "TABLE",
    "new",
    "get",
    "row",
    "raw_entry",
    "rows",
    "entry",
    "entry_in",
    "name",
    "name_in",
    "doc",
    "since",
    "until",
    "from_name",
    "from_name_in",
    "known_in",
];

/// What a kind adds to the plain value newtype.
pub struct Shape {
    /// The first doc line of the struct.
    pub summary: String,
    /// Extra associated items (methods, private consts).
    pub methods: TokenStream,
    /// Extra trait impls.
    pub impls: TokenStream,
    /// The doc of the `Display` impl.
    pub display_doc: String,
    /// The body of `Display::fmt`; empty when `impls` brings its own `Display`.
    pub display_body: TokenStream,
    /// Names of the extra associated items, which C names must not take.
    pub reserved: &'static [&'static str],
    /// Minimum hex digits of literals that print in hex.
    pub hex_width: usize,
    /// Whether const docs name the class and detail (keyed families).
    pub keyed: bool,
}

/// The shape of a plain `Values` family.
pub fn plain(p: &FamilyPlan) -> Shape {
    let hex = display_hex(p);
    let num = |v: i128| {
        if hex {
            format!("{v:#04x}")
        } else {
            v.to_string()
        }
    };
    let example = p
        .entries
        .last()
        .map(|e| format!("{} {}", num(e.value), e.name));
    let unknown = p
        .entries
        .last()
        .map(|e| e.value + 1)
        .filter(|v| p.ty.fits(*v))
        .map(|v| format!("{} {}???", num(v), p.strip));
    let display_body = if hex {
        quote! {
            match self.name() {
                Some(n) => write!(f, "{:#04x} {}", self.0, n),
                None => write!(f, "{:#04x} {}???", self.0, Self::PREFIX),
            }
        }
    } else {
        quote! {
            match self.name() {
                Some(n) => write!(f, "{} {}", self.0, n),
                None => write!(f, "{} {}???", self.0, Self::PREFIX),
            }
        }
    };
    let display_doc = match (example, unknown) {
        (Some(e), Some(u)) => format!("{}; an unknown value prints as {}.", code(&e), code(&u)),
        (Some(e), None) => format!(
            "{}; an unknown value prints its number and `PREFIX???`.",
            code(&e)
        ),
        _ => String::from("The number, then the C name or `PREFIX???`."),
    };
    Shape {
        summary: format!(
            "A value of {}{}. Holds any `{}`, known or not.",
            describe(p),
            location(p),
            p.ty
        ),
        methods: TokenStream::new(),
        impls: TokenStream::new(),
        display_doc,
        display_body,
        reserved: &[],
        hex_width: 2,
        keyed: false,
    }
}

/// Whether a values family prints in hex, as its C source writes it: the spec's
/// `hex`, else when every non-negative value was written as a hex literal (`0x23`).
pub fn display_hex(p: &FamilyPlan) -> bool {
    let written: Vec<&EntryPlan> = p
        .entries
        .iter()
        .filter(|e| !e.expr.trim().is_empty())
        .collect();
    match p.hex {
        Some(h) => h && p.entries.iter().all(|e| e.value >= 0),
        None => !written.is_empty() && written.iter().all(|e| e.hex),
    }
}

/// How the C side is named in docs: ``C `enum iscsi_err` `` or `` `ISCSI_OP_*` ``.
pub fn describe(p: &FamilyPlan) -> String {
    if p.is_enum {
        format!("C {}", code(&p.c_name))
    } else {
        code(&p.c_name)
    }
}

/// ` (`include/scsi/iscsi_if.h:496`)`, or "" when the line is unknown.
pub fn location(p: &FamilyPlan) -> String {
    if p.line == 0 {
        String::new()
    } else {
        format!(" ({})", code(&format!("{}:{}", p.path, p.line)))
    }
}

/// The doc of one associated const: the header comment, the C definition, and when
/// it has not been in every tracked release, where it was.
pub fn entry_doc_in(
    p: &FamilyPlan,
    e: &EntryPlan,
    suffix: &str,
    releases: &[String],
) -> Vec<String> {
    let mut lines = entry_doc(e, suffix);
    let label = |i: usize| releases.get(i).map_or("?", String::as_str);
    let last = releases.len().saturating_sub(1);
    let span = |x: &EntryPlan| match (x.since, x.until) {
        (0, u) if u == last => String::from("every tracked release"),
        (s, u) if u == last => format!("{} on", label(s)),
        (s, u) if s == u => label(s).to_string(),
        (s, u) => format!("{} … {}", label(s), label(u)),
    };
    let others: Vec<String> = p
        .entries
        .iter()
        .filter(|x| x.name == e.name && !x.current)
        .map(|x| format!("{} ({})", x.value, span(x)))
        .collect();
    if (e.since, e.until) != (0, last) || !others.is_empty() {
        // On the definition's line: a doc line is a token whatever its length.
        let mut l = format!(" In {}", span(e));
        if !others.is_empty() {
            l.push_str(&format!("; other values: {}", others.join(", ")));
        }
        l.push('.');
        if let Some(def) = lines.last_mut() {
            def.push_str(&l);
        }
    }
    lines
}

/// The doc of one associated const: the header comment, then the C definition.
pub fn entry_doc(e: &EntryPlan, suffix: &str) -> Vec<String> {
    let mut lines = comment_lines(&e.doc);
    if !lines.is_empty() {
        lines.push(String::new());
    }
    let def = if e.expr.trim().is_empty() {
        format!("{} (implicit {}){suffix}.", code(&e.name), e.value)
    } else {
        format!("{} = {}{suffix}.", code(&e.name), code(&e.expr))
    };
    lines.push(def);
    lines
}

/// Fails when a C name would collide with a generated associated item.
pub fn check_reserved(p: &FamilyPlan, extra: &[&str]) -> Result<()> {
    for e in &p.entries {
        if ASSOCIATED.contains(&e.rust.as_str()) || extra.contains(&e.rust.as_str()) {
            let at = At {
                file: &p.path,
                line: e.line,
            };
            return Err(at.error(format!(
                "C name `{}` collides with the generated item `{}::{}`; rename it in the spec",
                e.name, p.rust_name, e.rust
            )));
        }
    }
    Ok(())
}

/// The newtype, its impls and the given shape's additions.
pub fn newtype(p: &FamilyPlan, shape: Shape, releases: &[String]) -> Result<TokenStream> {
    check_reserved(p, shape.reserved)?;
    let name = format_ident!("{}", p.rust_name);
    let ty = format_ident!("{}", p.ty.name());
    let mut struct_doc = vec![shape.summary.clone()];
    let family_doc = comment_lines(&p.doc);
    if !family_doc.is_empty() {
        struct_doc.push(String::new());
        struct_doc.extend(family_doc);
    }
    let struct_doc = doc_attrs(&struct_doc);
    let mut consts = Vec::new();
    let mut rows = Vec::new();
    for e in &p.entries {
        let at = At {
            file: &p.path,
            line: e.line,
        };
        let id = ident(&e.rust, at)?;
        let allow = allow_case(&e.rust);
        let suffix = if shape.keyed {
            format!(", class {} detail {}", e.value >> 8, e.value & 0xff)
        } else {
            String::new()
        };
        let v = value_lit(e.value, e.hex, shape.hex_width);
        if e.current {
            let doc = doc_attrs(&entry_doc_in(p, e, &suffix, releases));
            consts.push(quote! {
                #doc
                #allow
                pub const #id: Self = Self(#v);
            });
        }
        let n = str_lit(&e.name);
        let d = str_lit(e.doc.trim());
        let x = str_lit(e.expr.trim());
        let (since, until) = release_lits(e);
        rows.push(quote! { Self::row(#v, #n, #d, #x, #since, #until) });
    }
    let prefix = str_lit(&p.strip);
    let display_doc = doc_attrs(&[shape.display_doc.as_str()]);
    let display_body = &shape.display_body;
    let display = if display_body.is_empty() {
        TokenStream::new()
    } else {
        quote! {
            #display_doc
            impl core::fmt::Display for #name {
                fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                    #display_body
                }
            }
        }
    };
    let methods = &shape.methods;
    let impls = &shape.impls;
    Ok(quote! {
        #struct_doc
        #[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        #[repr(transparent)]
        pub struct #name(pub #ty);

        impl #name {
            #(#consts)*
            /// The prefix shared by the C names, stripped by short lookups.
            pub const PREFIX: &'static str = #prefix;
            /// Every known value, sorted by value then name.
            pub const TABLE: &'static [Entry<Self>] = &[#(#rows),*];
            #methods
        }

        family_impls!(#name, #ty);

        #display

        #impls
    })
}
