//! Redaction of CHAP secrets and passwords, applied to each line before anything else sees
//! it, so that no output (events, raw lines, passthrough) can repeat a secret.
//!
//! A secret is found in the text as logged and in every form the decoder reads a message
//! from, so that what the decoder sees and what it can print are both masked:
//!
//! - **Keys** ([`Redactor::redact_text`]), in any case: the auth keys of iscsid.conf and
//!   iscsiadm's node and discovery records (`node.session.auth.password`,
//!   `…password_in`, `discovery.sendtargets.auth.password`, `discovery.sendtargets.auth.password_in`,
//!   any `…password…`, `passwd`, `secret` key), with `=` or `:`, any blanks around them, the
//!   key quoted or not (JSON). The value is a quoted string (escapes honoured) or, unquoted,
//!   the rest of the line: iscsid.conf's parser takes everything after `=`
//!   (usr/idbm.c `idbm_recinfo_config`), so `password = abc;rest` and `= first second` are
//!   one secret each, and so is an unmatched `= "secret`.
//! - **Login keys** `CHAP_R` and `CHAP_C` (RFC 7143 section 12.1.3; RFC 1994): the value up
//!   to the next blank, comma or semicolon.
//! - **iscsiadm's `-v`** whenever the command names an auth key with `-n`, in either order
//!   ([`argv`]).
//! - **Encoded forms** ([`views`]): values of JSON records, journalctl's byte-array
//!   `MESSAGE`, backslash escapes and HTML character references. When the decoded form holds
//!   a secret, the encoded value is replaced by its decoded, masked text.

pub mod argv;
pub mod text;
pub mod views;

pub use text::{MASK, Redactor};

use std::borrow::Cow;

impl Redactor {
    /// The line with every secret replaced by [`MASK`]: in its text, and in the forms the
    /// decoder reads messages from.
    pub fn redact<'a>(&self, line: &'a str) -> Cow<'a, str> {
        views::redact(self, line, 0)
    }
}

#[cfg(test)]
mod tests;
