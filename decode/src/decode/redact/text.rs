//! The redactor and the plain-text rules: keys naming a password or secret, `CHAP_R` and
//! `CHAP_C`, and iscsiadm's `-v` ([`super::argv`]), masked in the text as it stands. The
//! encoded forms ([`super::views`]) build on these.

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};
use regex::Regex;
use std::borrow::Cow;
use std::sync::OnceLock;

/// What replaces a secret.
pub const MASK: &str = "<redacted>";

/// The redactor: a literal test first (so ordinary lines cost one scan), then regexes.
#[derive(Debug)]
pub struct Redactor {
    quick: AhoCorasick,
    secret_key: Regex,
    chap: Regex,
}

fn build() -> Redactor {
    // Any case: `pAssword` and `cHAP_R` are secrets too. "auth" brings iscsiadm's `-n …auth…`
    // to the argument test.
    let quick = AhoCorasick::builder()
        .ascii_case_insensitive(true)
        .match_kind(MatchKind::LeftmostFirst)
        .kind(Some(AhoCorasickKind::DFA))
        .build(["pass", "secret", "chap_", "auth"])
        .unwrap_or_else(|e| panic!("redact literals: {e}"));
    // A key naming a password or secret (quoted or not), `=` or `:`, then a quoted value
    // (escapes honoured) or the rest of the line.
    let secret_key = Regex::new(
        r#"(?i)((?:[\w.\[\]-]*(?:pass(?:word|wd)\w*|secret\w*))["']?[ \t]*[=:][ \t]*)("(?:[^"\\]|\\.)*"|'[^']*'|\S.*)"#,
    )
    .unwrap_or_else(|e| panic!("redact regex: {e}"));
    // CHAP_R / CHAP_C (login text keys): one token.
    let chap =
        Regex::new(r#"(?i)(\bchap_[rc]["']?[ \t]*[=:][ \t]*)("(?:[^"\\]|\\.)*"|[^\s,;"']+)"#)
            .unwrap_or_else(|e| panic!("redact regex: {e}"));
    Redactor {
        quick,
        secret_key,
        chap,
    }
}

impl Redactor {
    /// The shared redactor.
    pub fn get() -> &'static Redactor {
        static R: OnceLock<Redactor> = OnceLock::new();
        R.get_or_init(build)
    }

    /// True if the text as it stands may hold a secret (cheap).
    pub fn may_contain(&self, text: &str) -> bool {
        self.quick.is_match(text)
    }

    /// True if a record member named `key` holds a secret (`password`, `…password_in`,
    /// `passwd`, `secret`, `CHAP_R`, `CHAP_C`, any case).
    pub fn is_secret_key(&self, key: &str) -> bool {
        let k = key.to_ascii_lowercase();
        let leaf = k.rsplit(['.', '-']).next().unwrap_or(&k);
        leaf.starts_with("password")
            || leaf.starts_with("passwd")
            || leaf.starts_with("secret")
            || leaf == "chap_r"
            || leaf == "chap_c"
    }

    /// The text with secrets replaced, as it stands (no decoding).
    pub fn redact_text<'a>(&self, text: &'a str) -> Cow<'a, str> {
        if !self.may_contain(text) {
            return Cow::Borrowed(text);
        }
        let mut out = Cow::Borrowed(text);
        let spans = super::argv::secret_values(&out);
        if !spans.is_empty() {
            let mut s = out.into_owned();
            for r in spans.into_iter().rev() {
                s.replace_range(r, MASK);
            }
            out = Cow::Owned(s);
        }
        let mask = |c: &regex::Captures<'_>| {
            // Already masked (by the argument rule): keep as is.
            if &c[2] == MASK {
                c[0].to_string()
            } else {
                format!("{}{MASK}", &c[1])
            }
        };
        if let Cow::Owned(s) = self.secret_key.replace_all(&out, mask) {
            out = Cow::Owned(s);
        }
        if let Cow::Owned(s) = self.chap.replace_all(&out, mask) {
            out = Cow::Owned(s);
        }
        if out == text {
            Cow::Borrowed(text)
        } else {
            out
        }
    }
}
