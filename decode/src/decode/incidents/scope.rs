//! Whether a SCSI, block or multipath line is iSCSI: the log ties it to an iSCSI session
//! (its SCSI host is a session's, its disk is on such a host, or it joined an incident).

use super::state::{Engine, disk_base};
use crate::decode::fact::Fact;

impl Engine {
    /// Whether the fact just fed ([`Engine::feed`]) concerns an iSCSI session, as far as the
    /// log shows by then: it joined an incident, or its SCSI host (`H` of `H:C:T:L`,
    /// `scsi hostN`) is one an iSCSI banner or session claims, or its disk (also a
    /// multipath path's) was attached on such a host.
    pub fn ties_to_iscsi(&self, ev: &Fact) -> bool {
        if self.touched {
            return true;
        }
        let Some(st) = self.hosts.get(self.last_host) else {
            return false;
        };
        let iscsi_host = |n: u32| st.iscsi_scsi_hosts.contains(&n) || st.host_sid.contains_key(&n);
        if let Some(n) = ev.hctl.map(|h| h.host).or(ev.scsi_host) {
            return iscsi_host(n);
        }
        ev.disk()
            .and_then(|d| st.disk_host.get(disk_base(d)))
            .is_some_and(|&n| iscsi_host(n))
    }
}
