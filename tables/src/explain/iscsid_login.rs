//! iscsid's own login result, `enum iscsi_login_status` of open-iscsi (usr/initiator.h; the
//! same nine values from 2.0.873 to 2.1.11), as printed in `Login error (Login status N)`.
//!
//! This is not the target's login response status (class/detail, [`super::login_status`]):
//! it is what `iscsi_login()` (usr/login.c) concluded, and `__login_response_status()`
//! (usr/initiator.c) logs it for every value but OK, REDIRECT, IO_ERROR and
//! REDIRECTION_FAILED (those three are retried without that line). Each of the logged
//! values ends the login attempt as failed, and iscsiadm then reports its error 19
//! (ISCSI_ERR_FATAL_LOGIN).

/// One value of iscsid's login result.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct IscsidLoginStatus {
    /// The number.
    pub code: u32,
    /// The C name (`LOGIN_AUTHENTICATION_FAILED`).
    pub name: &'static str,
    /// What it means, from the code that returns it.
    pub text: &'static str,
}

const TABLE: &[IscsidLoginStatus] = &[
    IscsidLoginStatus {
        code: 0,
        name: "LOGIN_OK",
        text: "the login succeeded",
    },
    IscsidLoginStatus {
        code: 1,
        name: "LOGIN_IO_ERROR",
        text: "sending or receiving a login PDU failed; iscsid retries",
    },
    IscsidLoginStatus {
        code: 2,
        name: "LOGIN_FAILED",
        text: "the login failed inside iscsid (the authentication library could not start or \
               take the response, or a response too large for its buffer)",
    },
    IscsidLoginStatus {
        code: 3,
        name: "LOGIN_VERSION_MISMATCH",
        text: "the target answered with an iSCSI version or protocol the initiator cannot \
               accept (\"Login version mismatch\" before it)",
    },
    IscsidLoginStatus {
        code: 4,
        name: "LOGIN_NEGOTIATION_FAILED",
        text: "a login key the target sent could not be accepted (\"Login negotiation failed\" \
               before it: digests, CHAP algorithms, a key in the wrong stage)",
    },
    IscsidLoginStatus {
        code: 5,
        name: "LOGIN_AUTHENTICATION_FAILED",
        text: "CHAP authentication failed (\"Login authentication failed with target\" before \
               it): check node.session.auth.* and, for mutual CHAP, the target's secret",
    },
    IscsidLoginStatus {
        code: 6,
        name: "LOGIN_REDIRECTION_FAILED",
        text: "following the target's redirection failed; iscsid retries",
    },
    IscsidLoginStatus {
        code: 7,
        name: "LOGIN_INVALID_PDU",
        text: "the target's login response was malformed (\"Received invalid login PDU\" \
               before it)",
    },
    IscsidLoginStatus {
        code: 8,
        name: "LOGIN_REDIRECT",
        text: "the target redirected the login; iscsid follows it",
    },
];

/// iscsid's login result `code`, if it is one of the enum's values.
pub fn iscsid_login_status(code: u32) -> Option<IscsidLoginStatus> {
    TABLE.iter().copied().find(|s| s.code == code)
}

/// A value of iscsid's `enum iscsi_login_status` as logged (`Login status 5`): holds any
/// number, known or not, like the generated newtypes.
///
/// ```
/// use iscsi_tables::explain::IscsidLoginCode;
/// assert_eq!(IscsidLoginCode(5).to_string(), "5 LOGIN_AUTHENTICATION_FAILED");
/// assert_eq!(IscsidLoginCode(9).to_string(), "9 LOGIN_???");
/// assert_eq!(IscsidLoginCode(9).name(), None);
/// ```
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
#[repr(transparent)]
pub struct IscsidLoginCode(pub u32);

impl IscsidLoginCode {
    /// The value as a number.
    pub const fn get(self) -> u32 {
        self.0
    }
    /// Its row of the enum, if known.
    pub fn status(self) -> Option<IscsidLoginStatus> {
        iscsid_login_status(self.0)
    }
    /// The C name (`LOGIN_AUTHENTICATION_FAILED`), if known.
    pub fn name(self) -> Option<&'static str> {
        self.status().map(|s| s.name)
    }
    /// What it means, if known.
    pub fn text(self) -> Option<&'static str> {
        self.status().map(|s| s.text)
    }
}

impl From<u32> for IscsidLoginCode {
    fn from(v: u32) -> Self {
        Self(v)
    }
}

impl From<IscsidLoginCode> for u32 {
    fn from(v: IscsidLoginCode) -> Self {
        v.0
    }
}

/// `5 LOGIN_AUTHENTICATION_FAILED`; an unknown value prints as `9 LOGIN_???`.
impl core::fmt::Display for IscsidLoginCode {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "{} {}", self.0, self.name().unwrap_or("LOGIN_???"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values() {
        assert_eq!(
            iscsid_login_status(5).map(|s| s.name),
            Some("LOGIN_AUTHENTICATION_FAILED")
        );
        assert_eq!(
            iscsid_login_status(7).map(|s| s.name),
            Some("LOGIN_INVALID_PDU")
        );
        assert!(iscsid_login_status(9).is_none());
        for (i, s) in TABLE.iter().enumerate() {
            assert_eq!(s.code as usize, i);
        }
    }
}
