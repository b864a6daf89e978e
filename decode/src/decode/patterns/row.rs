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
    /// The entries of the generated table of the sources (`decode/generated/messages.rs`)
    /// that this pattern refines with its kind, fields and incident role, or why it names
    /// none (see [`Refines`]).
    pub refines: Refines,
    /// Sample lines, each decoded by a test.
    pub samples: &'static [Sample],
}

/// What a [`Pattern`] refines: the call sites of the generated table of the sources whose
/// wordings its regex accepts, or why it names none. The table (`decode/generated/messages.rs`,
/// docs/messages.md) knows where every message of the kernel's iSCSI code and open-iscsi is
/// printed; a pattern adds what a message means (its [`super::Kind`], fields and role in an
/// incident). Checked by `decode/src/tests/refines.rs`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refines {
    /// The call sites, as `file:function` (`"usr/initiator.c:session_conn_error"`): every
    /// function whose wording the regex accepts, in any tracked release, each named once.
    Entries(&'static [&'static str]),
    /// No entry: the message is printed by a program or source file the table does not track
    /// (named: `"multipathd"`, `"drivers/scsi/sd.c"`).
    Untracked(&'static str),
    /// No entry: a generic row for any message of a family of call sites (named), after the
    /// specific patterns failed; the decoded event's `source` names its row.
    CatchAll(&'static str),
    /// No entry: the debug twin of a catch-all row (`open_iscsi.debug` of
    /// `open_iscsi.other`).
    DebugTwin,
    /// No entry: the pattern of the source table (`source.message`), taken only for lines
    /// the table has.
    SourceTable,
}

impl Refines {
    /// The `file:function` entries named (empty when the pattern names none).
    pub fn entries(self) -> &'static [&'static str] {
        match self {
            Refines::Entries(e) => e,
            _ => &[],
        }
    }

    /// Why the pattern names no entry (`"not in the tracked sources: multipathd"`), or
    /// `None` when it names entries.
    pub fn reason(self) -> Option<String> {
        match self {
            Refines::Entries(_) => None,
            Refines::Untracked(what) => Some(format!("not in the tracked sources: {what}")),
            Refines::CatchAll(what) => Some(format!("catch-all: {what}")),
            Refines::DebugTwin => Some("the debug twin of a catch-all".to_string()),
            Refines::SourceTable => Some("the row of the source table itself".to_string()),
        }
    }
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
