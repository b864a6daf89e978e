//! Names and texts for the numbers in log lines, all taken from `crate::explain` and the
//! generated tables: the decoder itself holds no code table. This is the only module of the
//! decoder that talks to them.

use crate::explain::{self, Space, iscsiadm::IscsiadmError};
use crate::tables::iscsi_if::{IscsiConnState, IscsiErr, IscsiParam};
use crate::tables::iscsi_proto::LoginStatus;

/// A kernel connection error code, named.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KernelErrorName {
    /// The code.
    pub code: u32,
    /// `ISCSI_ERR_NOP_TIMEDOUT`, if known.
    pub name: Option<&'static str>,
    /// iscsid's text (`A NOP has timed out`).
    pub text: &'static str,
    /// Our explanation.
    pub explanation: &'static str,
    /// What to look at next.
    pub check: &'static str,
    /// The iscsid.conf setting involved, if any.
    pub setting: Option<&'static str>,
}

/// The kernel error `code`.
pub fn kernel_error(code: u32) -> KernelErrorName {
    let e = explain::kernel_error(IscsiErr::new(code));
    KernelErrorName {
        code,
        name: e.name,
        text: e.iscsid_text,
        explanation: e.explanation,
        check: e.check,
        setting: e.setting,
    }
}

/// The C name of an iscsid connection state (`ISCSI_CONN_STATE_LOGGED_IN`).
pub fn conn_state_name(state: u32) -> Option<&'static str> {
    IscsiConnState(state).name()
}

/// iscsiadm's words for a state (`LOGGED IN`).
pub fn conn_state_label(state: u32) -> Option<&'static str> {
    explain::conn_state_label(IscsiConnState(state))
}

/// The connection state whose iscsiadm words are `label` (`LOGGED IN` → 3), when exactly
/// one state has them (`iscsiadm -m session -P 1` prints these words; `Unknown` names none).
pub fn conn_state_of_label(label: &str) -> Option<u32> {
    let mut found = (0..64).filter(|&s| conn_state_label(s) == Some(label));
    let first = found.next()?;
    found.next().is_none().then_some(first)
}

/// The C name of a login status (`ISCSI_LOGIN_STATUS_TGT_NOT_FOUND`).
pub fn login_status_name(class: u8, detail: u8) -> Option<&'static str> {
    LoginStatus::from_parts(class, detail).name()
}

/// Our explanation of a login status (its meaning and whether a retry can succeed).
pub fn login_status_meaning(class: u8, detail: u8) -> &'static str {
    explain::login_status(LoginStatus::from_parts(class, detail)).explanation
}

/// The iscsid.conf setting involved in a login status, if any.
pub fn login_status_setting(class: u8, detail: u8) -> Option<&'static str> {
    explain::login_status(LoginStatus::from_parts(class, detail)).setting
}

/// The C name of an iscsiadm error code (`ISCSI_ERR_TRANS_TIMEOUT`).
pub fn iscsiadm_name(code: u8) -> Option<&'static str> {
    IscsiadmError(code).name()
}

/// iscsiadm's text for a code (`connection timed out`).
pub fn iscsiadm_text(code: u8) -> Option<&'static str> {
    IscsiadmError(code).text().filter(|t| !t.is_empty())
}

/// Our explanation of an iscsiadm code.
pub fn iscsiadm_explanation(code: u8) -> &'static str {
    IscsiadmError(code).explanation()
}

/// The iscsid.conf setting most relevant to an iscsiadm error, if any.
pub fn iscsiadm_setting(code: u8) -> Option<&'static str> {
    Space::IscsiadmError.reading(i128::from(code)).setting
}

/// The C name of an iSCSI parameter number (`ISCSI_PARAM_...`).
pub fn param_name(param: u32) -> Option<&'static str> {
    IscsiParam(param).name()
}

/// The iscsid.conf key of the session recovery timeout.
pub const REPLACEMENT_TIMEOUT: &str = explain::REPLACEMENT_TIMEOUT;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_come_from_the_tables() {
        assert_eq!(kernel_error(1022).name, Some("ISCSI_ERR_NOP_TIMEDOUT"));
        assert_eq!(kernel_error(1022).text, "A NOP has timed out");
        assert_eq!(conn_state_name(3), Some("ISCSI_CONN_STATE_LOGGED_IN"));
        assert_eq!(
            login_status_name(2, 3),
            Some("ISCSI_LOGIN_STATUS_TGT_NOT_FOUND")
        );
        assert_eq!(iscsiadm_name(8), Some("ISCSI_ERR_TRANS_TIMEOUT"));
        assert_eq!(iscsiadm_text(8), Some("connection timed out"));
        assert_eq!(kernel_error(1099).name, None);
        assert_eq!(conn_state_of_label("LOGGED IN"), Some(3));
        assert_eq!(conn_state_of_label("FREE"), Some(0));
        assert_eq!(conn_state_of_label("CLEANUP WAIT"), Some(6));
        assert_eq!(conn_state_of_label("Unknown"), None);
    }
}
