//! Kernel release labels: parsing (`v2.6.18`, `linux-6.1`, `3.10.0-1160.el7`,
//! `v4.1-rc6`), ordering by version number (not by date), and the two series the
//! extracted data holds (kernel releases and open-iscsi copies). Parsing and the
//! release-line rule are the runtime's own (`iscsi_tables::core::parse_version` and
//! `release_line`), so the generator and the generated `Releases::find` cannot disagree.

use std::cmp::Ordering;

/// A kernel version as a label names it: `major.minor[.patch][-rcN]`, anything after
/// (`-1160.el7`, `+deb12`) ignored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct KernelVersion {
    /// 2 in 2.6.18.
    pub major: u16,
    /// 6 in 2.6.18.
    pub minor: u16,
    /// 18 in 2.6.18, 0 when absent.
    pub patch: u16,
    /// N of `-rcN`, 0 for a release.
    pub rc: u16,
}

impl KernelVersion {
    /// Parses a label: an optional `linux-headers-`, `linux-` or `v` prefix, then
    /// `major.minor[.patch[.more]]` and an optional `-rcN`; the rest is ignored.
    /// `None` when there are not at least two numbers.
    pub fn parse(label: &str) -> Option<KernelVersion> {
        let [major, minor, patch, rc] = iscsi_tables::core::parse_version(label)?;
        Some(KernelVersion {
            major,
            minor,
            patch,
            rc,
        })
    }

    /// The sort key: a release candidate sorts before its release.
    pub fn key(self) -> (u16, u16, u16, u16) {
        let rc = if self.rc == 0 { u16::MAX } else { self.rc };
        (self.major, self.minor, self.patch, rc)
    }

    /// The release line: `2.6.x` for 2.x kernels (each 2.6.x was a major release),
    /// `major.minor` from 3.0 on. The floor rule compares lines.
    pub fn line(self) -> (u16, u16, u16) {
        let [a, b, c] =
            iscsi_tables::core::release_line([self.major, self.minor, self.patch, self.rc]);
        (a, b, c)
    }
}

/// Which series an extracted source belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Series {
    /// A kernel release (`v2.6.18`, `v6.1.192`): these make the generated since/until.
    Kernel,
    /// A copy of the headers in open-iscsi's repository (`oi-2013-05-28`).
    OpenIscsi,
}

impl Series {
    /// The series a label belongs to: `oi-` labels are open-iscsi copies.
    pub fn of_label(label: &str) -> Series {
        if label.starts_with("oi-") {
            Series::OpenIscsi
        } else {
            Series::Kernel
        }
    }
}

/// Orders labels: kernel releases by version (unparseable ones after, by name), then
/// open-iscsi copies by label (which is by date).
pub fn compare_labels(a: &str, b: &str) -> Ordering {
    let rank = |l: &str| match (Series::of_label(l), KernelVersion::parse(l)) {
        (Series::Kernel, Some(v)) => (0, Some(v.key())),
        (Series::Kernel, None) => (1, None),
        (Series::OpenIscsi, _) => (2, None),
    };
    rank(a)
        .cmp(&rank(b))
        .then_with(|| oi_key(a).cmp(&oi_key(b)))
        .then_with(|| a.cmp(b))
}

/// `oi-2005-02-18.2` → ("oi-2005-02-18", 2), so `.10` sorts after `.9`.
fn oi_key(label: &str) -> (&str, u32) {
    match label.rsplit_once('.') {
        Some((base, n)) if base.starts_with("oi-") => (base, n.parse().unwrap_or(0)),
        _ => (label, 0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_labels() {
        let v = |s| KernelVersion::parse(s).map(|v| (v.major, v.minor, v.patch, v.rc));
        assert_eq!(v("v2.6.18"), Some((2, 6, 18, 0)));
        assert_eq!(v("2.6.18"), Some((2, 6, 18, 0)));
        assert_eq!(v("linux-2.6.18"), Some((2, 6, 18, 0)));
        assert_eq!(v("3.10.0-1160.el7.x86_64"), Some((3, 10, 0, 0)));
        assert_eq!(v("v4.1-rc6"), Some((4, 1, 0, 6)));
        assert_eq!(v("6.12.117+deb12-amd64"), Some((6, 12, 117, 0)));
        assert_eq!(v("linux-headers-6.1.0-56-common"), Some((6, 1, 0, 0)));
        assert_eq!(v("v2.6.21.5-cfs"), Some((2, 6, 21, 0)));
        assert_eq!(v("6"), None);
        assert_eq!(v("iscsi_if.h"), None);
        assert_eq!(v(""), None);
    }

    #[test]
    fn orders_labels() {
        let mut l = vec![
            "v5.10.262",
            "oi-2005-02-18.2",
            "v4.1-rc6",
            "v5.9.1",
            "v4.1",
            "oi-2005-02-18",
            "x",
        ];
        l.sort_by(|a, b| compare_labels(a, b));
        assert_eq!(
            l,
            [
                "v4.1-rc6",
                "v4.1",
                "v5.9.1",
                "v5.10.262",
                "x",
                "oi-2005-02-18",
                "oi-2005-02-18.2"
            ]
        );
    }
}
