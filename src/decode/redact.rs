//! Redaction of CHAP secrets and passwords, applied to each line before anything else sees
//! it, so that no output (events, raw lines, passthrough) can repeat a secret.
//!
//! Covered: iscsiadm/iscsid.conf keys (`node.session.auth.password = x`,
//! `discovery.sendtargets.auth.password_in=x`, `-n node.session.auth.password -v x`),
//! login text keys (`CHAP_R=0x…`, `CHAP_C=0x…`), and generic `password=`/`passwd:`/`secret=`.

use aho_corasick::AhoCorasick;
use regex::Regex;
use std::borrow::Cow;
use std::sync::OnceLock;

/// What replaces a secret.
pub const MASK: &str = "<redacted>";

/// The literal test: SIMD Teddy where available.
#[derive(Debug)]
enum Quick {
    Packed(aho_corasick::packed::Searcher),
    Ac(AhoCorasick),
}

/// The redactor: a literal test first (so ordinary lines cost one SIMD scan), then regexes.
#[derive(Debug)]
pub struct Redactor {
    quick: Quick,
    key_value: Regex,
    option_value: Regex,
}

fn build() -> Redactor {
    // Case-sensitive variants keep this a SIMD search (a case-insensitive automaton is
    // several times slower, and it runs on every candidate line).
    let words = [
        "pass", "Pass", "PASS", "secret", "Secret", "SECRET", "chap_", "CHAP_", "Chap_",
    ];
    let quick = match aho_corasick::packed::Searcher::new(words) {
        Some(p) => Quick::Packed(p),
        None => {
            Quick::Ac(AhoCorasick::new(words).unwrap_or_else(|e| panic!("redact literals: {e}")))
        }
    };
    // key (= or :) value; the key names a password/secret or a CHAP response/challenge.
    let key_value = Regex::new(
        r#"(?i)((?:[\w.\[\]]*(?:password(?:_in)?|passwd|secret)|chap_[rc])\s*[=:]\s*)("[^"]*"|'[^']*'|[^\s,;"']+)"#,
    )
    .unwrap_or_else(|e| panic!("redact regex: {e}"));
    // iscsiadm -o update -n <...password...> -v <value>
    let option_value = Regex::new(
        r#"(?i)((?:-n|--name)[ =]\S*(?:password(?:_in)?|secret)\S*\s+(?:-v|--value)[ =])("[^"]*"|'[^']*'|\S+)"#,
    )
    .unwrap_or_else(|e| panic!("redact regex: {e}"));
    Redactor {
        quick,
        key_value,
        option_value,
    }
}

impl Redactor {
    /// The shared redactor.
    pub fn get() -> &'static Redactor {
        static R: OnceLock<Redactor> = OnceLock::new();
        R.get_or_init(build)
    }

    /// True if the line may hold a secret (cheap).
    pub fn may_contain(&self, line: &str) -> bool {
        match &self.quick {
            Quick::Packed(p) => p.find(line).is_some(),
            Quick::Ac(a) => a.is_match(line),
        }
    }

    /// The line with secrets replaced by [`MASK`].
    pub fn redact<'a>(&self, line: &'a str) -> Cow<'a, str> {
        if !self.may_contain(line) {
            return Cow::Borrowed(line);
        }
        let mask = |c: &regex::Captures<'_>| format!("{}{MASK}", &c[1]);
        let a = self.option_value.replace_all(line, mask);
        let b = self.key_value.replace_all(&a, mask).into_owned();
        if b == line {
            Cow::Borrowed(line)
        } else {
            Cow::Owned(b)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacts() {
        let r = Redactor::get();
        let cases = [
            (
                "node.session.auth.password = s3cr3t",
                "node.session.auth.password = <redacted>",
            ),
            (
                "discovery.sendtargets.auth.password_in=abc def",
                "discovery.sendtargets.auth.password_in=<redacted> def",
            ),
            (
                "iscsiadm -m node -o update -n node.session.auth.password -v 'my pass'",
                "iscsiadm -m node -o update -n node.session.auth.password -v <redacted>",
            ),
            (
                "login text CHAP_R=0x1234abcd CHAP_N=user",
                "login text CHAP_R=<redacted> CHAP_N=user",
            ),
            ("no secrets here", "no secrets here"),
        ];
        for (input, want) in cases {
            assert_eq!(r.redact(input), want, "{input}");
        }
    }
}
