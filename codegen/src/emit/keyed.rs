//! The keyed shape (login status): a `u16` newtype packing `class << 8 | detail`,
//! with `from_parts`, `class`, `detail`, and a `Display` of `02/03
//! ISCSI_LOGIN_STATUS_TGT_NOT_FOUND` (unknown: `02/7f ISCSI_LOGIN_STATUS_???`).

use quote::quote;

use super::ident::code;
use super::plan::FamilyPlan;
use super::values::{Shape, describe, location};

/// The keyed shape for `p` (its type is `u16`; the spec loader checks that).
pub fn shape(p: &FamilyPlan) -> Shape {
    let example = p
        .entries
        .last()
        .map(|e| format!("{:02x}/{:02x} {}", e.value >> 8, e.value & 0xff, e.name));
    let example = example.map_or_else(String::new, |e| format!("{}; ", code(&e)));
    Shape {
        summary: format!(
            "A value of {}{}, keyed by (class, detail) packed as `class << 8 | detail`. Holds \
             any `u16`, known or not.",
            describe(p),
            location(p)
        ),
        methods: quote! {
            /// Packs a class and a detail code.
            pub const fn from_parts(class: u8, detail: u8) -> Self {
                Self(((class as u16) << 8) | detail as u16)
            }
            /// The class (the high byte).
            pub const fn class(self) -> u8 {
                (self.0 >> 8) as u8
            }
            /// The detail code (the low byte).
            pub const fn detail(self) -> u8 {
                (self.0 & 0xff) as u8
            }
        },
        impls: quote! {},
        display_doc: format!(
            "Class and detail in two hex digits each, then the C name: {example}an unknown \
             pair prints as `cc/dd PREFIX???`."
        ),
        display_body: quote! {
            write!(f, "{:02x}/{:02x} ", self.class(), self.detail())?;
            match self.name() {
                Some(n) => f.write_str(n),
                None => write!(f, "{}???", Self::PREFIX),
            }
        },
        reserved: &["from_parts", "class", "detail"],
        hex_width: 4,
        keyed: true,
    }
}
