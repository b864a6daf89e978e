//! Tests of the decoder's internals (its pattern rows, prefilter and field map), which the
//! crate does not make public: they run as unit tests of the library.

mod corpus;
mod patterns;
mod refines;
mod source_fields;
mod stages;
