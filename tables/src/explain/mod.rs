//! Our own words for every number an administrator meets in iSCSI logs, kept apart by
//! number space: the kernel's connection errors, iscsid's connection states, login
//! response statuses, iscsiadm's error codes, SCSI host bytes, PDU opcodes and the other
//! protocol fields.
//!
//! Values live once, in the generated tables; this module keys its texts by the generated
//! constants, so a new kernel header cannot leave a stale number behind. Nothing here needs
//! `std` or `alloc`: renderers write into any [`core::fmt::Write`].
//!
//! ```
//! use iscsi_tables::explain::{self, Space};
//! // One number, several meanings, most likely first.
//! let mut r = explain::readings(8);
//! assert_eq!(r.next().unwrap().space, Space::IscsiadmError);
//! // Names are found without their prefix, in any case.
//! let nop = explain::lookup_name("nop_timedout").unwrap();
//! assert_eq!(nop.space, Space::IscsiErr);
//! assert_eq!(nop.value, 1022);
//! // Unknown values keep their number.
//! assert_eq!(Space::IscsiErr.reading(1099).to_string(), "1099 ISCSI_ERR_???");
//! ```

mod conn_state;
mod family;
pub mod host_byte;
pub mod iscsiadm;
mod iscsid_login;
mod kernel;
mod login;
mod notes;
mod number;
mod parse;
mod reading;
pub mod release;
mod render;
mod space;
mod suggest;

pub use conn_state::{conn_state_label, conn_state_phase};
pub use iscsid_login::{IscsidLoginCode, IscsidLoginStatus, iscsid_login_status};
pub use kernel::{KernelError, REPLACEMENT_TIMEOUT, UNKNOWN_TEXT, kernel_error};
pub use login::{LoginInfo, login_status};
pub use parse::{parse_login_status, parse_number, strip_prefix_ci};
pub use reading::Reading;
pub use render::{
    Human, Json, ValueDisplay, write_human, write_json, write_json_string, write_wrapped,
};
pub use space::{NAMED, Space};
pub use suggest::{Suggestions, nearest_space, suggest};

use crate::iscsi_if::{IscsiConnState, IscsiErr};
use crate::iscsi_proto::LoginStatus;
use host_byte::HostByte;
use iscsiadm::IscsiadmError;

impl Space {
    /// This space's reading of a value: known or not, it keeps the number.
    ///
    /// ```
    /// use iscsi_tables::explain::Space;
    /// let r = Space::ConnState.reading(3);
    /// assert_eq!(r.name, Some("ISCSI_CONN_STATE_LOGGED_IN"));
    /// assert_eq!(r.text, "LOGGED IN");
    /// assert!(!Space::ConnState.reading(-5).is_known());
    /// ```
    pub fn reading(self, value: i128) -> Reading {
        match self {
            Space::IscsiErr => match u32::try_from(value) {
                Ok(v) => from_kernel(value, kernel_error(IscsiErr(v))),
                Err(_) => from_kernel(value, kernel_error(IscsiErr(u32::MAX))),
            },
            Space::ConnState => {
                let s = u32::try_from(value).map_or(IscsiConnState(u32::MAX), IscsiConnState);
                Reading {
                    space: self,
                    value,
                    name: s.name().filter(|_| u32::try_from(value).is_ok()),
                    text: conn_state_label(s).unwrap_or(""),
                    explanation: conn_state_phase(s),
                    setting: None,
                }
            }
            Space::LoginStatus => {
                let s = u16::try_from(value).map_or(LoginStatus(u16::MAX), LoginStatus);
                let info = login_status(s);
                let known = u16::try_from(value).is_ok();
                Reading {
                    space: self,
                    value,
                    name: s.name().filter(|_| known),
                    text: info.text,
                    explanation: info.explanation,
                    setting: info.setting,
                }
            }
            Space::HostByte => {
                let row = u8::try_from(value).ok().and_then(|v| HostByte(v).row());
                Reading {
                    space: self,
                    value,
                    name: row.map(|r| r.name),
                    text: row.map_or("", |r| r.comment),
                    explanation: row.map_or(host_byte::UNKNOWN_EXPLANATION, |r| r.explanation),
                    setting: row.and_then(|r| r.setting),
                }
            }
            Space::IscsiadmError => {
                let e = u8::try_from(value).ok().map(IscsiadmError);
                Reading {
                    space: self,
                    value,
                    name: e.and_then(IscsiadmError::name),
                    text: e.and_then(IscsiadmError::text).unwrap_or(""),
                    explanation: e.map_or(iscsiadm::UNKNOWN_EXPLANATION, |e| e.explanation()),
                    setting: notes::iscsiadm_setting(e),
                }
            }
            _ => {
                let known = family::find(self, value);
                Reading {
                    space: self,
                    value,
                    name: known.map(|k| k.name),
                    text: known.map_or("", |k| k.doc),
                    explanation: notes::note(self, value)
                        .unwrap_or_else(|| notes::family_description(self)),
                    setting: None,
                }
            }
        }
    }

    /// This space's reading of a value, only if the value is known.
    pub fn known(self, value: i128) -> Option<Reading> {
        let r = self.reading(value);
        r.is_known().then_some(r)
    }

    /// Every known value of this space, as readings, in value order (aliases included,
    /// each under its own name).
    pub fn list(self) -> impl Iterator<Item = Reading> {
        family::iter(self).map(move |k| self.reading_of(k))
    }

    /// The reading of one known row under its own name and, for a generated family, with
    /// its own header comment. Aliases share a value but not a comment (`ISCSI_PAD_LEN`
    /// "Padding word length" and `ISCSI_CRC_LEN` "iSCSI CRC32C length" are both 4), so the
    /// comment is the row's, never the first one found by value.
    fn reading_of(self, k: family::Known) -> Reading {
        let r = self.reading(k.value);
        let text = match self {
            // Their text is what the printing program says, not the header's comment.
            Space::IscsiErr | Space::ConnState | Space::LoginStatus | Space::IscsiadmError => {
                r.text
            }
            _ => k.doc,
        };
        Reading {
            name: Some(k.name),
            text,
            ..r
        }
    }

    /// Finds a value of this space by number (decimal or `0x` hex; for login statuses also
    /// `02/03`) or by C name (any case, prefix optional). Unknown numbers still give a
    /// reading; an unknown name gives `None`.
    pub fn lookup(self, word: &str) -> Option<Reading> {
        let number = if self == Space::LoginStatus {
            parse_login_status(word).map(i128::from)
        } else {
            parse_number(word)
        };
        if let Some(v) = number {
            return Some(self.reading(v));
        }
        (0..LEVELS).find_map(|level| {
            family::iter(self)
                .find(|k| name_matches(k.name, self.prefix(), word.trim(), level))
                .map(|k| self.reading_of(k))
        })
    }
}

impl Space {
    /// For a flag space, the known single bits set in `value`, lowest first (multi-bit
    /// masks and field values are not used to decompose). Empty for other spaces.
    ///
    /// ```
    /// use iscsi_tables::explain::Space;
    /// let caps = Space::parse("TransportCaps").unwrap();
    /// let names: Vec<_> = caps.flag_bits(0x8030).filter_map(|r| r.name).collect();
    /// assert_eq!(names, ["CAP_HDRDGST", "CAP_DATADGST"]);
    /// assert_eq!(caps.flag_rest(0x8030), 0x8000);
    /// ```
    pub fn flag_bits(self, value: i128) -> impl Iterator<Item = Reading> {
        let flags = matches!(self.kind(), crate::iscsi_if::FamilyKind::Flags);
        family::iter(self)
            .filter(move |k| flags && is_bit(k.value) && value & k.value == k.value)
            .map(move |k| self.reading_of(k))
    }

    /// The bits of `value` that [`Space::flag_bits`] does not account for (all of them for
    /// a space that is not a flag space).
    pub fn flag_rest(self, value: i128) -> i128 {
        self.flag_bits(value).fold(value, |rest, r| rest & !r.value)
    }
}

fn is_bit(v: i128) -> bool {
    v > 0 && v & (v - 1) == 0
}

fn from_kernel(value: i128, k: KernelError) -> Reading {
    Reading {
        space: Space::IscsiErr,
        value,
        name: k.name,
        text: k.iscsid_text,
        explanation: k.explanation,
        setting: k.setting,
    }
}

/// Every known reading of a bare number, most likely first: the kernel's connection errors
/// for 1000 and up; for smaller numbers iscsiadm's codes, then connection states, login
/// statuses, opcodes and the other protocol fields, adapter enums last. Flag and constant
/// families are left out (ask for them by space). Empty if no space knows the value.
///
/// ```
/// use iscsi_tables::explain::{readings, Space};
/// let spaces: Vec<Space> = readings(3).map(|r| r.space).collect();
/// assert_eq!(&spaces[..2], &[Space::IscsiadmError, Space::ConnState]);
/// assert_eq!(readings(1022).next().unwrap().name, Some("ISCSI_ERR_NOP_TIMEDOUT"));
/// assert_eq!(readings(-7).count(), 0);
/// ```
pub fn readings(value: i128) -> impl Iterator<Item = Reading> {
    let rank = if value >= 1000 {
        space::RANK_LARGE
    } else {
        space::RANK_SMALL
    };
    rank.iter().filter_map(move |s| s.known(value))
}

/// The reading to show for a bare number no space knows: the kernel's codes for 1000 and
/// up, iscsiadm's otherwise.
pub fn unknown_reading(value: i128) -> Reading {
    if value >= 1000 {
        Space::IscsiErr.reading(value)
    } else {
        Space::IscsiadmError.reading(value)
    }
}

/// Name match strictness: 0 the full C name, 1 the name without its family prefix, 2 the
/// name without a leading `ISCSI_`.
const LEVELS: u8 = 3;

fn name_matches(name: &str, prefix: &str, word: &str, level: u8) -> bool {
    match level {
        0 => name.eq_ignore_ascii_case(word),
        1 => {
            !prefix.is_empty()
                && parse::strip_prefix_ci(name, prefix)
                    .is_some_and(|s| s.eq_ignore_ascii_case(word))
        }
        _ => {
            !prefix.eq_ignore_ascii_case("ISCSI_")
                && parse::strip_prefix_ci(name, "ISCSI_")
                    .is_some_and(|s| s.eq_ignore_ascii_case(word))
        }
    }
}

/// Every reading whose C name matches, in any space: exact names first, then names without
/// their family prefix, then names without `ISCSI_`. Case is ignored.
///
/// ```
/// use iscsi_tables::explain::{lookup_names, Space};
/// // iscsiadm, ping status and logout response all have a SUCCESS.
/// assert!(lookup_names("success").count() >= 3);
/// assert_eq!(lookup_names("ISCSI_ERR_TRANS_TIMEOUT").next().unwrap().space, Space::IscsiadmError);
/// ```
pub fn lookup_names(name: &str) -> impl Iterator<Item = Reading> + '_ {
    names_matching(name, false)
}

/// Like [`lookup_names`], but a name the kernel renumbered over the releases
/// (`ISCSI_PARAM_MAX`) yields one reading per value it has had, newest first; pick the one a
/// given release has with [`release::check`].
///
/// ```
/// use iscsi_tables::explain::lookup_names_in_every_era;
/// let values: Vec<i128> = lookup_names_in_every_era("ISCSI_PARAM_MAX").map(|r| r.value).collect();
/// assert!(values.contains(&22) && values.len() > 2);
/// ```
pub fn lookup_names_in_every_era(name: &str) -> impl Iterator<Item = Reading> + '_ {
    names_matching(name, true)
}

fn names_matching(name: &str, every_era: bool) -> impl Iterator<Item = Reading> + '_ {
    let word = name.trim();
    (0..LEVELS).flat_map(move |level| {
        Space::all().flat_map(move |space| {
            let prefix = space.prefix();
            family::iter_eras(space, every_era)
                .filter(move |k| name_matches(k.name, prefix, word, level))
                .map(move |k| space.reading_of(k))
        })
    })
}

/// The best reading for a C name (see [`lookup_names`]), if any space has it.
///
/// ```
/// use iscsi_tables::explain::lookup_name;
/// for n in ["ISCSI_ERR_NOP_TIMEDOUT", "iscsi_err_nop_timedout", "NOP_TIMEDOUT"] {
///     assert_eq!(lookup_name(n).unwrap().value, 1022);
/// }
/// assert!(lookup_name("no_such_thing").is_none());
/// ```
pub fn lookup_name(name: &str) -> Option<Reading> {
    lookup_names(name).next()
}

/// Whether a generated kernel error code has our own explanation (a test checks all do).
pub fn has_kernel_explanation(code: IscsiErr) -> bool {
    kernel::has_explanation(code)
}

/// Whether a generated connection state has our own words (a test checks all do).
pub fn has_conn_state_phase(state: IscsiConnState) -> bool {
    conn_state::has_phase(state)
}

/// Whether a generated login status has our own explanation (a test checks all do).
pub fn has_login_explanation(status: LoginStatus) -> bool {
    login::has_explanation(status)
}
