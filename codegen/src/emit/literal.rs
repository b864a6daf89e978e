//! Integer literals for the emitted code: unsuffixed (the surrounding type fixes
//! the width), decimal or zero-padded hex, negatives as a unary minus.

use proc_macro2::{Literal, TokenStream};
use quote::quote;

/// A literal for `value`: hex with at least `width` digits when `hex` is set and
/// the value is non-negative, decimal otherwise; a negative value is `-` and its
/// magnitude, so the token is valid in any position.
pub fn value_lit(value: i128, hex: bool, width: usize) -> TokenStream {
    let magnitude = value.unsigned_abs();
    let lit = if hex && value >= 0 {
        format!("0x{magnitude:0width$x}")
            .parse::<Literal>()
            .unwrap_or_else(|_| Literal::u128_unsuffixed(magnitude))
    } else {
        Literal::u128_unsuffixed(magnitude)
    };
    if value < 0 {
        quote! { -#lit }
    } else {
        quote! { #lit }
    }
}

/// The source text of [`value_lit`]`(value, hex, width)` as prettyplease prints it
/// (a negative value as `-` directly before its magnitude).
pub fn value_text(value: i128, hex: bool, width: usize) -> String {
    let magnitude = value.unsigned_abs();
    let sign = if value < 0 { "-" } else { "" };
    if hex && value >= 0 {
        format!("0x{magnitude:0width$x}")
    } else {
        format!("{sign}{magnitude}")
    }
}
