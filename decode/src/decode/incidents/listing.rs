//! What a pasted `iscsiadm -m session -P 3` tree teaches: the session of each SCSI host
//! and the SCSI host of each disk, the maps the engine otherwise infers from banners,
//! logins and `sd H:C:T:L: [sdX]` lines.
//!
//! The tree names a session's parts on consecutive lines (`Current Portal:`, `SID: 1`,
//! `Host Number: 3`, `scsi3 Channel 00 Id 0 Lun: 1`, `Attached scsi disk sdb`), so the
//! engine keeps where it is in the last listing of each host, fed in line order. A line
//! more than [`LISTING_GAP_LINES`] after the previous listing line starts afresh: the
//! lines between (rules, headers, negotiated parameters) are never that many.

use super::state::{Engine, Listing, disk_base};
use crate::decode::fact::Fact;

/// Lines after which a listing line no longer continues the previous one.
const LISTING_GAP_LINES: u64 = 64;

/// The pattern whose line starts a session's block in the tree (a session on the same
/// portal as the one before it prints an empty line instead, and starts at its `SID:`).
const CURRENT_PORTAL: &str = "listing.current_portal";

impl Engine {
    /// A line of an iscsiadm listing (`Kind::ListingLine`) that names something.
    pub(super) fn listing_line(&mut self, h: usize, ev: &Fact) {
        let st = &mut self.hosts[h];
        let l = &mut st.listing;
        let continues = l
            .last_line
            .is_some_and(|last| ev.line >= last && ev.line - last <= LISTING_GAP_LINES);
        if !continues {
            *l = Listing::default();
        }
        l.last_line = Some(ev.line);
        if ev.pattern_id == CURRENT_PORTAL {
            l.portal = ev.portal().map(str::to_string);
            l.sid = None;
            l.hctl = None;
        } else if ev.target().is_some() && ev.addr().is_none() && ev.sid.is_none() {
            // `Target: ...`: another target's sessions follow.
            *l = Listing {
                last_line: Some(ev.line),
                ..Listing::default()
            };
        }
        if let Some(sid) = ev.sid.filter(|&s| s >= 0) {
            l.sid = Some(sid);
            l.hctl = None;
            if let Some(p) = &l.portal {
                if st.portal_sid.get(p) != Some(&sid) {
                    st.portal_sid.insert(p.clone(), sid);
                }
            }
        }
        let sid = l.sid;
        if let Some(n) = ev.scsi_host {
            // `Host Number: N`: the session's SCSI host.
            st.iscsi_scsi_hosts.insert(n);
            if let Some(s) = sid {
                st.host_sid.insert(n, s);
            }
        }
        if let Some(hc) = ev.hctl {
            // `scsiH Channel 00 Id T Lun: L`: a LUN of the session.
            st.iscsi_scsi_hosts.insert(hc.host);
            if let Some(s) = sid {
                st.host_sid.entry(hc.host).or_insert(s);
            }
            st.listing.hctl = Some(hc);
        } else if let (Some(d), Some(hc)) = (ev.disk(), st.listing.hctl) {
            // `Attached scsi disk sdX`: the disk of the LUN on the line before.
            let d = disk_base(d);
            if st.disk_host.get(d) != Some(&hc.host)
                && (st.disk_host.contains_key(d) || st.disk_host.len() < 100_000)
            {
                st.disk_host.insert(d.to_string(), hc.host);
            }
        }
    }
}
