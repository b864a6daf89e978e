//! The values the decoder keeps typed, as the number `explain`'s readings take
//! ([`Space::reading`](super::Space::reading) reads an `i128`, wide enough for any C value).

use super::iscsiadm::IscsiadmError;
use crate::iscsi_if::{IscsiConnState, IscsiErr, IscsiParam};

/// The number of a kernel error, as `explain`'s readings take it.
impl From<IscsiErr> for i128 {
    fn from(e: IscsiErr) -> i128 {
        i128::from(e.0)
    }
}

/// The number of a connection state, as `explain`'s readings take it.
impl From<IscsiConnState> for i128 {
    fn from(s: IscsiConnState) -> i128 {
        i128::from(s.0)
    }
}

/// The number of a parameter, as `explain`'s readings take it.
impl From<IscsiParam> for i128 {
    fn from(p: IscsiParam) -> i128 {
        i128::from(p.0)
    }
}

/// The number of an iscsiadm error, as `explain`'s readings take it.
impl From<IscsiadmError> for i128 {
    fn from(c: IscsiadmError) -> i128 {
        i128::from(c.0)
    }
}
