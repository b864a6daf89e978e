//! `iscsi-codegen`: reads the kernel's iSCSI headers into a [`model`], assigns every
//! integer `#define` to a reviewed family, and emits the Rust tables in `tables/generated/` (the `iscsi-tables` crate).
//!
//! The data path: [`preprocess`] (comments, directives, annotations; with the one integer
//! evaluator over the one symbol table, [`preprocess::eval`], which `#if` needs) →
//! [`parse`] (lang-c) → [`extract`] (every enumerator and `#define` evaluated) →
//! [`model`] → [`families`] (names checked by [`rust_name`]) → [`emit`]. Each stage depends only on earlier ones and on the
//! model's types; `scripts/module-cycles.py` checks that no modules import each other.
#![deny(missing_docs)]

#[cfg(feature = "bindgen")]
pub mod bindgen_frontend;
pub mod diff;
pub mod emit;
pub mod error;
pub mod extract;
pub mod families;
pub mod history;
pub mod messages;
pub mod model;
pub mod parse;
pub mod pipeline;
pub mod preprocess;
pub mod rust_name;
pub mod source;
pub mod store;
pub mod version;

pub use error::{Error, Result};
