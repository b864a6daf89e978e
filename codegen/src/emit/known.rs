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
    At, alias_name, code, comment_lines, doc_attrs, is_ident_shaped, is_keyword, push_doc_lines,
    variant_name,
};
use super::literal::{value_lit, value_text};
use super::plan::FamilyPlan;
use super::values::DECL_MAX;

/// The line prettyplease prints for the variant that stands for the variants in
/// the tokens of [`known_enum_parts`] (text mode).
pub const VARIANTS_MARKER: &str = "    __IscsiEmitVariants__,\n";

/// The line prettyplease prints for the const that stands for the aliases in the
/// tokens of [`known_enum_parts`] (text mode).
pub const ALIASES_MARKER: &str = "    const __ISCSI_EMIT_ALIASES__: () = ();\n";

/// The `{Name}Known` enum and its conversions; nothing for an empty family.
pub fn known_enum(p: &FamilyPlan) -> Result<TokenStream> {
    Ok(known_enum_parts(p, false)?.0)
}

/// [`known_enum`]; with `text`, the variants and the aliases (each when there is
/// one and every declaration line is short) are rendered straight to the text
/// prettyplease prints, and the tokens hold a marker line for each: the returned
/// pairs are (marker, text), in output order.
pub fn known_enum_parts(
    p: &FamilyPlan,
    text: bool,
) -> Result<(TokenStream, Vec<(&'static str, String)>)> {
    let mut splices = Vec::new();
    if p.entries.is_empty() {
        return Ok((TokenStream::new(), splices));
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
    let mut variants_text = String::new();
    let mut aliases_text = String::new();
    let mut short = true;
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
                if text {
                    push_doc_lines(&lines, "    ", &mut variants_text);
                    let decl = format!("    {id} = {},\n", value_text(e.value, e.hex, 2));
                    short &= decl.len() <= DECL_MAX + 1;
                    variants_text.push_str(&decl);
                } else {
                    let doc = doc_attrs(&lines);
                    variants.push(quote! { #doc #id = #v });
                }
                arms.push(quote! { Self::#id });
                first_of.insert(e.value, id);
            }
            Some(first) => {
                let doc_line = format!("{}, another name for `Self::{first}`.", code(&e.name));
                if text {
                    push_doc_lines(&[doc_line], "    ", &mut aliases_text);
                    let decl = format!("    pub const {id}: Self = Self::{first};\n");
                    short &= decl.len() <= DECL_MAX + 1;
                    aliases_text.push_str(&decl);
                } else {
                    let doc = doc_attrs(&[doc_line]);
                    aliases.push(quote! {
                        #doc
                        pub const #id: Self = Self::#first;
                    });
                }
            }
        }
    }
    if text {
        if !short {
            return known_enum_parts(p, false);
        }
        if !variants_text.is_empty() {
            variants.push(quote! { __IscsiEmitVariants__ });
            splices.push((VARIANTS_MARKER, variants_text));
        }
        if !aliases_text.is_empty() {
            aliases.push(quote! { const __ISCSI_EMIT_ALIASES__: () = (); });
            splices.push((ALIASES_MARKER, aliases_text));
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
    let tokens = quote! {
        #doc
        #[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
        #[non_exhaustive]
        #[repr(#ty)]
        pub enum #name {
            #(#variants),*
        }

        #alias_impl

        impl core::convert::TryFrom<#newtype> for #name {
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
    };
    Ok((tokens, splices))
}
