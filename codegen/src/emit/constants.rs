//! The constants shape: a family of unrelated limits and sizes becomes one
//! module-level `pub const NAME: T = value;` per define, each with its doc. No
//! newtype; the family's `FAMILIES` row lists them.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::error::Result;

use super::ident::{At, allow_case, doc_attrs, ident, needs_allow_case, push_doc_lines};
use super::literal::{value_lit, value_text};
use super::plan::{FamilyPlan, ReleasePlan};
use super::values::{DECL_MAX, entry_doc_in};

/// One `pub const` per entry of `p`, in header (line) order, which keeps related
/// limits together; the family's table stays sorted by value.
pub fn constants(p: &FamilyPlan, releases: &[ReleasePlan]) -> Result<TokenStream> {
    let ty = format_ident!("{}", p.ty.name());
    let mut out = TokenStream::new();
    let mut in_line_order: Vec<_> = p.entries.iter().filter(|e| e.current).collect();
    in_line_order.sort_by_key(|e| (e.line, &e.name));
    for e in in_line_order {
        let at = At {
            file: &p.path,
            line: e.line,
        };
        let id = ident(&e.rust, at)?;
        let allow = allow_case(&e.rust);
        let doc = doc_attrs(&entry_doc_in(p, e, "", releases));
        let v = value_lit(e.value, e.hex, 2);
        out.extend(quote! {
            #doc
            #allow
            pub const #id: #ty = #v;
        });
    }
    Ok(out)
}

/// [`constants`] as prettyplease prints it (one item per const, a blank line
/// between), rendered straight to text; `None` when a declaration is long enough
/// that it might not print on one line (then print the tokens).
pub fn constants_text(p: &FamilyPlan, releases: &[ReleasePlan]) -> Result<Option<String>> {
    let ty = p.ty.name();
    let mut out = String::new();
    let mut in_line_order: Vec<_> = p.entries.iter().filter(|e| e.current).collect();
    in_line_order.sort_by_key(|e| (e.line, &e.name));
    for e in in_line_order {
        let at = At {
            file: &p.path,
            line: e.line,
        };
        let id = ident(&e.rust, at)?;
        let decl = format!(
            "pub const {id}: {ty} = {};\n",
            value_text(e.value, e.hex, 2)
        );
        // Inside the margin, so it prints on one line.
        if decl.len() > DECL_MAX + 1 {
            return Ok(None);
        }
        if !out.is_empty() {
            out.push('\n');
        }
        push_doc_lines(&entry_doc_in(p, e, "", releases), "", &mut out);
        if needs_allow_case(&e.rust) {
            out.push_str("#[allow(non_upper_case_globals)]\n");
        }
        out.push_str(&decl);
    }
    Ok(Some(out))
}
