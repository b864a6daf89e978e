//! What makes a C name a usable Rust name: identifier shape and the keywords. A leaf: the
//! family spec checks its renames with it (`families`), the emitter its identifiers
//! (`emit::ident`).

/// Rust keywords in edition 2024 (strict, reserved and `gen`). C names equal to one
/// of these become raw identifiers, except those in [`NOT_RAW`].
pub const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern",
    "false", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut",
    "pub", "ref", "return", "self", "Self", "static", "struct", "super", "trait", "true", "type",
    "unsafe", "use", "where", "while", "abstract", "become", "box", "do", "final", "macro",
    "override", "priv", "try", "typeof", "unsized", "virtual", "yield",
];

/// Keywords that cannot be raw identifiers.
pub const NOT_RAW: &[&str] = &["self", "Self", "super", "crate", "_"];

/// Whether `s` is a keyword that needs `r#` (or cannot be an identifier at all).
pub fn is_keyword(s: &str) -> bool {
    KEYWORDS.contains(&s) || s == "_"
}

/// Whether `s` has identifier shape: ASCII letters, digits and `_`, not starting
/// with a digit, not `_` alone.
pub fn is_ident_shaped(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        && s != "_"
}
