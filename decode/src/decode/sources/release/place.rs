//! Where an asked release stands among an origin's tracked releases: the kernel's by
//! version and release line (`crate::tables::core::parse_version`, `release_line`),
//! open-iscsi's by tag and `git describe` distance.

use crate::tables::core::{parse_version, release_line};

/// Where an asked release stands among the tracked releases of its origin.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum Place {
    /// A tracked release answers for it: the `index`-th, oldest first. `exact` when it is
    /// that release; not when it is another of its kernel line (`6.1.0-18-amd64` for
    /// v6.1.192) or a distribution's package of the tag (`2.1.4-1ubuntu1`).
    Tracked {
        /// The tracked release's index.
        index: usize,
        /// Whether the asked release is exactly the tracked one.
        exact: bool,
    },
    /// Strictly between the tracked releases `i` and `i + 1`.
    Between(usize),
    /// Older than every tracked release.
    Older,
    /// Newer than every tracked release.
    Newer,
}

/// The place of `asked` among the kernel releases `tracked` (oldest first): the release of
/// the same version, else the one tracked release of its line, else by version order.
/// `Err(false)` when it names no kernel version.
pub(super) fn kernel(asked: &str, tracked: &[&str]) -> Result<Place, bool> {
    let v = parse_version(asked).ok_or(false)?;
    let versions: Vec<Option<[u16; 4]>> = tracked.iter().map(|l| parse_version(l)).collect();
    if let Some(index) = versions.iter().position(|t| *t == Some(v)) {
        return Ok(Place::Tracked { index, exact: true });
    }
    let line = release_line(v);
    let same: Vec<usize> = (0..versions.len())
        .filter(|&i| versions[i].map(release_line) == Some(line))
        .collect();
    if let [index] = same[..] {
        return Ok(Place::Tracked {
            index,
            exact: false,
        });
    }
    // A release candidate comes before its release.
    let key = |v: [u16; 4]| (v[0], v[1], v[2], if v[3] == 0 { u16::MAX } else { v[3] });
    let older = versions
        .iter()
        .filter(|t| t.is_some_and(|t| key(t) < key(v)))
        .count();
    Ok(by_count(older, tracked.len()))
}

/// [`Place`] of a release with `older` tracked releases before it, of `len`.
fn by_count(older: usize, len: usize) -> Place {
    match older {
        0 => Place::Older,
        n if n >= len => Place::Newer,
        n => Place::Between(n - 1),
    }
}

/// An open-iscsi version: the tag's three numbers, and the number of commits after the tag
/// when `git describe` wrote it (`2.1.11-14-gbc23614`: 14, `bc23614`).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
struct Version<'a> {
    tag: [u32; 3],
    commits: u32,
    hash: &'a str,
    /// Anything else after the numbers (a distribution's `-1ubuntu1`), or a Red Hat
    /// `6.2.x.y` version: the tag with patches.
    vendor: bool,
}

/// Parses `2.1.4`, `2.1.4-1ubuntu1`, `6.2.1.4-8.el8` (Red Hat: 2.1.4), `2.1.11-14-gbc23614`.
/// `Err(true)` for a version of another shape (`2.1`), `Err(false)` for no version.
fn parse(label: &str) -> Result<Version<'_>, bool> {
    let s = label.strip_prefix(['v', 'V']).unwrap_or(label);
    let end = s
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(s.len());
    let base = &s[..end];
    let base = base.trim_end_matches('.');
    let rest = &s[base.len()..];
    let nums: Vec<u32> = base
        .split('.')
        .map(|n| n.parse::<u32>().map_err(|_| false))
        .collect::<Result<_, _>>()?;
    let (tag, red_hat) = match nums[..] {
        [6, 2, a, b] => ([2, a, b], true),
        [a, b, c] => ([a, b, c], false),
        [_, _, ..] => return Err(true),
        _ => return Err(false),
    };
    let describe = rest.strip_prefix('-').and_then(|r| {
        let (n, hash) = r.split_once("-g")?;
        let ok = !n.is_empty()
            && n.bytes().all(|b| b.is_ascii_digit())
            && !hash.is_empty()
            && hash.bytes().all(|b| b.is_ascii_hexdigit());
        Some((n.parse::<u32>().ok()?, hash)).filter(|_| ok)
    });
    Ok(match describe {
        Some((commits, hash)) if !red_hat => Version {
            tag,
            commits,
            hash,
            vendor: false,
        },
        _ => Version {
            tag,
            commits: 0,
            hash: "",
            vendor: red_hat || !rest.is_empty(),
        },
    })
}

/// The place of `asked` among open-iscsi's `tracked` releases (tags and `git describe`
/// names, oldest first). `Err(true)` for a version inside the tracked span that is no tag,
/// `Err(false)` for no version.
pub(super) fn open_iscsi(asked: &str, tracked: &[&str]) -> Result<Place, bool> {
    let a = parse(asked)?;
    let versions: Vec<Option<Version<'_>>> = tracked.iter().map(|l| parse(l).ok()).collect();
    let tags: Vec<[u32; 3]> = versions
        .iter()
        .flatten()
        .filter(|v| v.commits == 0)
        .map(|v| v.tag)
        .collect();
    let (Some(first), Some(last)) = (tags.first(), tags.last()) else {
        return Err(true);
    };
    if a.tag < *first {
        return Ok(Place::Older);
    }
    if a.tag > *last {
        return Ok(Place::Newer);
    }
    if !tags.contains(&a.tag) {
        // Inside the span of the tags, which are every release: no release.
        return Err(true);
    }
    let key = |v: &Version<'_>| (v.tag, v.commits);
    if let Some(index) = versions
        .iter()
        .position(|v| v.is_some_and(|v| key(&v) == key(&a)))
    {
        let t = versions[index].map(|v| v.hash).unwrap_or_default();
        let same_commit = a.hash.is_empty()
            || (t.len().min(a.hash.len()) >= 7 && (t.starts_with(a.hash) || a.hash.starts_with(t)));
        if same_commit {
            return Ok(Place::Tracked {
                index,
                exact: !a.vendor,
            });
        }
    }
    // A commit after a tag: between it and the next tracked release. The same distance from
    // the tag on another branch is not the tracked commit either: as if between.
    let older = versions
        .iter()
        .filter(|v| v.is_some_and(|v| key(&v) <= key(&a)))
        .count();
    Ok(by_count(older, tracked.len()))
}
