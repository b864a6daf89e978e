//! The Rust enum of a C enum's known values (`IscsiErrKnown`), for `match`:
//! one variant per distinct value (the first declared name), later names for the
//! same value as associated consts, `TryFrom` the
//! newtype by a binary search of the variants by value and `From` back by an `as`
//! cast of the repr.
//! Never a transmute.

use std::collections::BTreeMap;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::error::Result;

use super::ident::{
    At, alias_name, code, comment_lines, doc_attrs, is_ident_shaped, is_keyword, variant_name,
};
use super::literal::value_lit;
use super::plan::FamilyPlan;

/// The `{Name}Known` enum and its conversions; nothing for an empty family.
pub fn known_enum(p: &FamilyPlan) -> Result<TokenStream> {
    if p.entries.is_empty() {
        return Ok(TokenStream::new());
    }
    let newtype = format_ident!("{}", p.rust_name);
    let name = format_ident!("{}Known", p.rust_name);
    let ty = format_ident!("{}", p.ty.name());
    let mut used: BTreeMap<String, &str> = BTreeMap::new();
    used.insert(String::from("BY_VALUE"), "the generated table of variants");
    let mut variants = Vec::new();
    let mut arms = Vec::new();
    let mut aliases = Vec::new();
    let mut first_of: BTreeMap<i128, proc_macro2::Ident> = BTreeMap::new();
    // Of several names for one value, the first declared is the variant.
    let mut entries: Vec<_> = p.entries.iter().filter(|e| e.current).collect();
    entries.sort_by(|a, b| (a.value, a.line, &a.name).cmp(&(b.value, b.line, &b.name)));
    for e in entries {
        let at = At {
            file: &p.path,
            line: e.line,
        };
        let alias_of = first_of.get(&e.value).cloned();
        let rust = match (&alias_of, e.renamed) {
            (None, false) => variant_name(&e.name, &p.strip),
            (None, true) => variant_name(&e.rust, ""),
            (Some(_), false) => alias_name(&e.name, &p.strip),
            (Some(_), true) => e.rust.clone(),
        };
        if !is_ident_shaped(&rust) || is_keyword(&rust) {
            return Err(at.error(format!(
                "`{}` gives the variant name `{rust}`, which is not an identifier",
                e.name
            )));
        }
        if let Some(other) = used.insert(rust.clone(), &e.name) {
            return Err(at.error(format!(
                "`{}` and `{other}` both give the name `{name}::{rust}`; rename one in the spec",
                e.name
            )));
        }
        let id = format_ident!("{}", rust);
        let v = value_lit(e.value, e.hex, 2);
        match alias_of {
            None => {
                let mut lines = comment_lines(&e.doc);
                if !lines.is_empty() {
                    lines.push(String::new());
                }
                lines.push(format!("{}.", code(&e.name)));
                let doc = doc_attrs(&lines);
                variants.push(quote! { #doc #id = #v });
                arms.push(quote! { Self::#id });
                first_of.insert(e.value, id);
            }
            Some(first) => {
                let doc = doc_attrs(&[format!(
                    "{}, another name for `Self::{first}`.",
                    code(&e.name)
                )]);
                aliases.push(quote! {
                    #doc
                    pub const #id: Self = Self::#first;
                });
            }
        }
    }
    let alias_impl = quote! {
        impl #name {
            /// Every variant, by value (what `TryFrom` searches).
            const BY_VALUE: &'static [Self] = &[#(#arms),*];
            #(#aliases)*
        }
    };
    let doc = doc_attrs(&[
        format!(
            "The known values of {} as a Rust enum, for `match`.",
            code(&p.c_name)
        ),
        format!("Convert with `{name}::try_from({newtype})` and `{newtype}::from({name})`."),
    ]);
    Ok(quote! {
        #doc
        #[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
        #[non_exhaustive]
        #[repr(#ty)]
        pub enum #name {
            #(#variants),*
        }

        #alias_impl

        impl TryFrom<#newtype> for #name {
            type Error = #newtype;
            fn try_from(v: #newtype) -> Result<Self, #newtype> {
                let i = Self::BY_VALUE.partition_point(|k| (*k as #ty) < v.0);
                match Self::BY_VALUE.get(i) {
                    Some(k) if *k as #ty == v.0 => Ok(*k),
                    _ => Err(v),
                }
            }
        }

        impl From<#name> for #newtype {
            fn from(v: #name) -> Self {
                Self(v as #ty)
            }
        }
    })
}
