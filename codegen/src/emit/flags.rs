//! The flags shape: the value newtype plus `contains`, `|`, `&`, and a `Display`
//! that decomposes a value strace-style, `0x8030 CAP_HDRDGST|CAP_DATADGST|0x8000`.
//!
//! Decomposition is greedy over the known non-zero values, widest first (most bits,
//! then largest), each taken only when all its bits are still unclaimed; names
//! ending in `_MASK` are left out. The names then print in table (value) order, so
//! a two-bit field value such as `ISCSI_FLAG_LOGIN_NEXT_STAGE3` wins over its
//! single-bit neighbours, and plain single-bit flags print lowest bit first.

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};

use super::ident::code;
use super::plan::FamilyPlan;
use super::values::{Shape, describe, location};

/// Whether an entry is a multi-bit mask that decomposition skips.
pub fn is_mask(name: &str) -> bool {
    name.ends_with("_MASK")
}

/// Indices into the sorted table, in the order decomposition tries them.
pub fn decompose_order(p: &FamilyPlan) -> Vec<usize> {
    let mut order: Vec<usize> = Vec::new();
    for (i, e) in p.entries.iter().enumerate() {
        let first_of_value = !p.entries[..i]
            .iter()
            .any(|x| x.current && x.value == e.value);
        if e.current && e.value != 0 && !is_mask(&e.name) && first_of_value {
            order.push(i);
        }
    }
    let bits = |i: &usize| {
        let v = p.entries[*i].value;
        (v.count_ones(), v)
    };
    order.sort_by_key(|i| std::cmp::Reverse(bits(i)));
    order
}

/// Decomposes `value` as the generated `Display` does (for docs and tests).
pub fn decompose(p: &FamilyPlan, value: i128) -> String {
    let mut chosen = vec![false; p.entries.len()];
    let mut rest = value;
    for i in decompose_order(p) {
        let b = p.entries[i].value;
        if b & rest == b {
            chosen[i] = true;
            rest &= !b;
        }
    }
    let mut parts: Vec<String> = p
        .entries
        .iter()
        .zip(&chosen)
        .filter(|(_, c)| **c)
        .map(|(e, _)| e.name.clone())
        .collect();
    if rest != 0 {
        parts.push(format!("{rest:#x}"));
    }
    if parts.is_empty() {
        let zero = p.entries.iter().find(|e| e.value == 0 && !is_mask(&e.name));
        parts.push(zero.map_or_else(|| String::from("0"), |e| e.name.clone()));
    }
    format!("{value:#x} {}", parts.join("|"))
}

/// The flags shape for `p`.
pub fn shape(p: &FamilyPlan) -> Shape {
    let order = decompose_order(p);
    let n = Literal::usize_unsuffixed(p.entries.len());
    let order_lits = order.iter().map(|i| Literal::usize_unsuffixed(*i));
    let name = format_ident!("{}", p.rust_name);
    let zero_name = p
        .entries
        .iter()
        .find(|e| e.value == 0 && !is_mask(&e.name))
        .map_or_else(|| String::from("0"), |e| e.name.clone());
    let zero_lit = Literal::string(&zero_name);
    let example = {
        let known: i128 = order
            .iter()
            .take(2)
            .map(|i| p.entries[*i].value)
            .fold(0, |a, b| a | b);
        let high = (0..128).map(|b| 1i128 << b).find(|bit| {
            bit & known == 0 && p.ty.fits(*bit) && p.entries.iter().all(|e| e.value & bit == 0)
        });
        decompose(p, known | high.unwrap_or(0))
    };
    let display_doc = format!(
        "The hex value, then the known flags and any unknown bits: {}; zero prints as {}.",
        code(&example),
        code(&format!("0x0 {zero_name}"))
    );
    let display_doc_lit = Literal::string(&format!(" {display_doc}"));
    Shape {
        summary: format!(
            "A set of flags of {}{}. Holds any `{}`, known bits or not.",
            describe(p),
            location(p),
            p.ty
        ),
        methods: quote! {
            /// Table indices tried by `Display`, widest value first (masks left out).
            const DECOMPOSE: &'static [usize] = &[#(#order_lits),*];
            /// Whether every bit of `other` is set in `self`.
            pub const fn contains(self, other: Self) -> bool {
                self.0 & other.0 == other.0
            }
        },
        impls: quote! {
            flags_display!(#name, #n, #zero_lit, #display_doc_lit);
        },
        display_doc,
        display_body: TokenStream::new(),
        reserved: &["DECOMPOSE", "contains"],
        hex_width: 2,
        keyed: false,
    }
}
