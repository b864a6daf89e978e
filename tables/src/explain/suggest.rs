//! "Did you mean": the known names nearest to a misspelt one, by edit distance, with no
//! allocation (a fixed-size buffer of the best few).

use super::{Space, family};

/// How many suggestions [`suggest`] keeps.
pub const MAX_SUGGESTIONS: usize = 5;

/// Names longer than this are not compared (no C name comes close).
const MAX_LEN: usize = 64;

/// The nearest known names to a word, best first (see [`suggest`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Suggestions {
    best: [Option<(usize, Space, &'static str)>; MAX_SUGGESTIONS],
}

impl Suggestions {
    /// The suggested C names with their spaces, best first.
    pub fn iter(&self) -> impl Iterator<Item = (Space, &'static str)> + '_ {
        self.best.iter().flatten().map(|&(_, s, n)| (s, n))
    }

    /// Whether there is nothing to suggest.
    pub fn is_empty(&self) -> bool {
        self.best[0].is_none()
    }

    fn offer(&mut self, dist: usize, space: Space, name: &'static str) {
        if self.best.iter().flatten().any(|&(_, _, n)| n == name) {
            return;
        }
        let pos = self
            .best
            .iter()
            .position(|b| b.is_none_or(|(d, _, n)| (dist, name) < (d, n)));
        if let Some(pos) = pos {
            self.best.copy_within(pos..MAX_SUGGESTIONS - 1, pos + 1);
            self.best[pos] = Some((dist, space, name));
        }
    }
}

/// The known C names nearest to `word` (compared without case, with and without each
/// name's prefix), in one space or in all of them. Only names within a few edits (about a
/// third of the word's length) are offered.
///
/// ```
/// use iscsi_tables::explain::suggest;
/// let s = suggest("NOP_TIMEOUT", None);
/// assert_eq!(s.iter().next().unwrap().1, "ISCSI_ERR_NOP_TIMEDOUT");
/// assert!(suggest("zzzzzzzzzzzzzzzzz", None).is_empty());
/// ```
pub fn suggest(word: &str, space: Option<Space>) -> Suggestions {
    let mut out = Suggestions::default();
    let word = word.trim();
    if word.is_empty() || word.len() > MAX_LEN {
        return out;
    }
    let limit = (word.len() / 3).max(1);
    let mut consider = |s: Space| {
        let prefix = s.prefix();
        for k in family::iter(s) {
            let short = super::parse::strip_prefix_ci(k.name, prefix).unwrap_or(k.name);
            let d = distance(word, k.name).min(distance(word, short));
            if d <= limit {
                out.offer(d, s, k.name);
            }
        }
    };
    match space {
        Some(s) => consider(s),
        None => Space::all().for_each(consider),
    }
    out
}

/// The named space whose identifier or alias is nearest to a misspelt `word` (`stat`,
/// `hostbyt`), with that spelling; `None` unless one is within a few edits (about a third
/// of the word's length).
///
/// ```
/// use iscsi_tables::explain::{Space, nearest_space};
/// assert_eq!(nearest_space("stat"), Some((Space::ConnState, "state")));
/// assert_eq!(nearest_space("hostbyt"), Some((Space::HostByte, "hostbyte")));
/// assert_eq!(nearest_space("zzzzzz"), None);
/// ```
pub fn nearest_space(word: &str) -> Option<(Space, &'static str)> {
    let word = word.trim();
    let limit = (word.len() / 3).max(1);
    let mut best: Option<(usize, Space, &'static str)> = None;
    for &s in super::NAMED.iter().filter(|s| s.exists()) {
        for &name in core::iter::once(&s.as_str()).chain(s.aliases()) {
            let d = distance(word, name);
            if d <= limit && best.is_none_or(|(b, _, _)| d < b) {
                best = Some((d, s, name));
            }
        }
    }
    best.map(|(_, s, n)| (s, n))
}

/// Levenshtein distance between two ASCII-case-folded strings of at most `MAX_LEN` bytes;
/// longer strings count as infinitely far.
fn distance(a: &str, b: &str) -> usize {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() > MAX_LEN || b.len() > MAX_LEN {
        return usize::MAX;
    }
    let mut row = [0usize; MAX_LEN + 1];
    for (j, cell) in row.iter_mut().enumerate().take(b.len() + 1) {
        *cell = j;
    }
    for (i, &ca) in a.iter().enumerate() {
        let mut diag = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let cost = usize::from(!ca.eq_ignore_ascii_case(&cb));
            let next = (row[j] + 1).min(row[j + 1] + 1).min(diag + cost);
            diag = row[j + 1];
            row[j + 1] = next;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::distance;

    #[test]
    fn distances() {
        assert_eq!(distance("kitten", "sitting"), 3);
        assert_eq!(distance("NOP", "nop"), 0);
        assert_eq!(distance("", "abc"), 3);
    }
}
