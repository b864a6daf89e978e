//! The value newtype: `pub struct IscsiErr(pub u32)` with one associated const per
//! C name, `PREFIX`, the sorted `TABLE`, lookups, conversions, `Display` and
//! `Debug`. Flags and keyed families are the same newtype with a different
//! `Display` and a few extra methods, passed in as a [`Shape`].

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::error::Result;

use super::ident::{At, allow_case, code, comment_lines, doc_attrs, ident, str_lit};
use super::literal::value_lit;
use super::plan::{EntryPlan, FamilyPlan};

/// Associated items every newtype defines; a C name equal to one is an error.
const ASSOCIATED: &[&str] = &[
    "PREFIX",
    "TABLE",
    "new",
    "get",
    "entry",
    "name",
    "doc",
    "from_name",
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
    /// The body of `Display::fmt`.
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
    let example = p.entries.last().map(|e| format!("{} {}", e.value, e.name));
    let unknown = p
        .entries
        .last()
        .map(|e| e.value + 1)
        .filter(|v| p.ty.fits(*v))
        .map(|v| format!("{v} {}???", p.strip));
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
        display_body: quote! {
            match self.name() {
                Some(n) => write!(f, "{} {}", self.0, n),
                None => write!(f, "{} {}???", self.0, Self::PREFIX),
            }
        },
        reserved: &[],
        hex_width: 2,
        keyed: false,
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
pub fn newtype(p: &FamilyPlan, shape: Shape) -> Result<TokenStream> {
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
        let doc = doc_attrs(&entry_doc(e, &suffix));
        let v = value_lit(e.value, e.hex, shape.hex_width);
        consts.push(quote! {
            #doc
            #allow
            pub const #id: Self = Self(#v);
        });
        let n = str_lit(&e.name);
        let d = str_lit(e.doc.trim());
        let x = str_lit(e.expr.trim());
        rows.push(quote! { Entry { value: Self(#v), name: #n, doc: #d, expr: #x } });
    }
    let prefix = str_lit(&p.strip);
    let display_doc = doc_attrs(&[shape.display_doc.as_str()]);
    let display_body = &shape.display_body;
    let debug_fmt = str_lit(&format!("{}({{self}})", p.rust_name));
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
            /// Wraps any raw value.
            pub const fn new(value: #ty) -> Self {
                Self(value)
            }
            /// The raw C value.
            pub const fn get(self) -> #ty {
                self.0
            }
            /// The table entry for this value, if it is a known one (the first by name on a tie).
            pub fn entry(self) -> Option<&'static Entry<Self>> {
                let i = Self::TABLE.partition_point(|e| e.value < self);
                Self::TABLE.get(i).filter(|e| e.value == self)
            }
            /// The C name, if known.
            pub fn name(self) -> Option<&'static str> {
                self.entry().map(|e| e.name)
            }
            /// The header's comment, if known and non-empty.
            pub fn doc(self) -> Option<&'static str> {
                self.entry().map(|e| e.doc).filter(|d| !d.is_empty())
            }
            /// Looks a value up by its exact C name (aliases included).
            pub fn from_name(name: &str) -> Option<Self> {
                Self::TABLE.iter().find(|e| e.name == name).map(|e| e.value)
            }
            #methods
        }

        impl From<#ty> for #name {
            fn from(v: #ty) -> Self {
                Self(v)
            }
        }

        impl From<#name> for #ty {
            fn from(v: #name) -> Self {
                v.0
            }
        }

        #display_doc
        impl core::fmt::Display for #name {
            fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                #display_body
            }
        }

        impl core::fmt::Debug for #name {
            fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                write!(f, #debug_fmt)
            }
        }

        #impls
    })
}
