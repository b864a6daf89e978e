//! The items every generated file has once: `Entry<T>`, `FamilyKind`, `RawEntry`,
//! `Family` (exactly as docs/generated-api.md fixes them), and the closing
//! `FAMILIES` static that lists each family of the file in header order.

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};

use crate::families::Kind;

use super::ident::str_lit;
use super::literal::value_lit;
use super::plan::FamilyPlan;

/// Names the common items take at module level (types and values).
pub const RESERVED: &[&str] = &["Entry", "FamilyKind", "RawEntry", "Family", "FAMILIES"];

/// `Entry<T>`, `FamilyKind`, `RawEntry` and `Family`.
pub fn items() -> TokenStream {
    quote! {
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
    }
}

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
            quote! { RawEntry { value: #v, name: #n, doc: #d } }
        });
        quote! {
            |i| {
                const ROWS: &[RawEntry] = &[#(#rows),*];
                ROWS.get(i).copied()
            }
        }
    } else {
        let ty = format_ident!("{}", p.rust_name);
        quote! {
            |i| {
                #ty::TABLE.get(i).map(|e| RawEntry { value: e.value.0 as i128, name: e.name, doc: e.doc })
            }
        }
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

/// `pub static FAMILIES: &[Family]`, in the plan's (header) order.
pub fn families_static(families: &[FamilyPlan]) -> TokenStream {
    let rows = families.iter().map(row);
    quote! {
        /// Every family of this header, in header order.
        pub static FAMILIES: &[Family] = &[#(#rows),*];
    }
}
