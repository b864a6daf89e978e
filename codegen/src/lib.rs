//! `iscsi-codegen`: reads the kernel's iSCSI headers into a [`model`], assigns every
//! integer `#define` to a reviewed family, and emits the Rust tables in `generated/`.
//!
//! The data path: [`preprocess`] (comments, directives, annotations) → [`parse`]
//! (lang-c) → [`eval`] (one integer evaluator over one symbol table) → [`model`] →
//! [`families`] → [`emit`].
#![deny(missing_docs)]

#[cfg(feature = "bindgen")]
pub mod bindgen_frontend;
pub mod diff;
pub mod emit;
pub mod error;
pub mod eval;
pub mod extract;
pub mod families;
pub mod history;
pub mod model;
pub mod parse;
pub mod pipeline;
pub mod preprocess;
pub mod source;
pub mod store;
pub mod version;

pub use error::{Error, Result};
