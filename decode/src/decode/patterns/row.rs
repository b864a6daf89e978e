//! The row type of the pattern tables ([`Pattern`], [`Sample`]) and the anchors and ids that
//! rows and the decoder both name. The tables of every submodule are made of these rows.

use super::kinds::{Kind, Source};

/// One sample line of a pattern and the fields the decoder must extract from it.
#[derive(Clone, Copy, Debug)]
pub struct Sample {
    /// A complete log line, in any input format.
    pub line: &'static str,
    /// Space-separated `field=value` pairs that must appear in the decoded event
    /// (as [`crate::decode::fields::Fields::pairs`] prints them).
    pub expect: &'static str,
}

/// One message pattern.
#[derive(Clone, Copy, Debug)]
pub struct Pattern {
    /// A stable id: `kernel.ping_timeout`.
    pub id: &'static str,
    /// What the message means.
    pub kind: Kind,
    /// The program that logs it.
    pub source: Source,
    /// Literals, separated by `|`, one of which every matching message contains; an
    /// alternative ending in `+digit` must also be followed by an ASCII digit (for generic
    /// patterns such as `session3: ...`). `*` makes the pattern a last resort for any
    /// message whose program is the pattern's source.
    pub anchor: &'static str,
    /// The regex with named groups (see `fields` for the names), applied to the message.
    pub regex: &'static str,
    /// Fields the wording implies without printing them: `("login", "02/02")`.
    pub implies: &'static [(&'static str, &'static str)],
    /// Which releases print this wording ("" when stable across the versions checked).
    pub wording: &'static str,
    /// Sample lines, each decoded by a test.
    pub samples: &'static [Sample],
}

/// The anchor of a pattern that any message of its source may match: tried only after
/// every anchored pattern failed, and only for lines whose program tag names the source.
pub const ANY: &str = "*";

/// The anchor of the pattern of [`Kind::SourceMessage`]: never searched; the decoder takes
/// the pattern when no other matches and the generated table of the sources has the line.
pub const SOURCE_TABLE: &str = "<source table>";

/// The id of the pattern for `exit status N` in a line that relays an iscsiadm or
/// iscsistart invocation (the decoder keeps it only in such lines).
pub const RELAYED_EXIT_STATUS: &str = "iscsiadm.relayed_exit_status";

/// The rows of messages no pattern knows (kind `other`) and their debug twins (kind
/// `debug`): a line the first recognises is the second's when its envelope shows syslog
/// severity 7 (debug). The twins are never matched on their own.
pub const DEBUG_TWINS: &[(&str, &str)] = &[
    ("open_iscsi.other", "open_iscsi.debug"),
    ("iscsiuio.other", "iscsiuio.debug"),
    ("kernel.module_message", "kernel.module_debug"),
];
