//! Small direct-mapped caches in front of the patterns.
//!
//! [`Memo`] maps a message's text to the pattern that matched it and the spans of its groups.
//! Logs repeat messages verbatim (`connect to 10.0.0.1:3260 failed (No route to host)` every
//! few seconds, `rejecting I/O to offline device` by the thousand), so a repeated message
//! costs a hash and a compare instead of the anchors and a regex.
//!
//! [`Shapes`] maps a message's *shape* (its text with each run of digits replaced by the
//! run's length) to the pattern that matched a message of that shape. Messages that differ
//! only in their digits (jiffies, sectors, attempt counts) find the same anchors, and every
//! regex that has no literal digit matches them alike; so the cached pattern's regex is tried
//! alone, after the few higher-priority candidates whose regexes do have literal digits.
//! Anchors hold no digits (a test checks it).

use super::patterns::Source;

/// A group's span (byte offsets into the message), if the group took part in the match.
pub type Span = Option<(u32, u32)>;

/// Group spans of a match: one entry per regex group.
pub type Spans = Vec<Span>;

const SLOTS: usize = 4096;
/// Messages longer than this are not cached (they rarely repeat, and the copy costs).
const MAX_KEY: usize = 512;

#[derive(Debug, Default, Clone)]
struct Slot {
    key: String,
    source: u8,
    used: bool,
    /// The entry's [`MessageId`].
    id: u64,
    pattern: Option<usize>,
    spans: Spans,
}

/// An id of a cached message (with its source), unique in the process: two events with the
/// same id have the same message, source, pattern and fields, so that renderers can cache
/// what they derive from those by id instead of hashing and comparing the text again. A
/// message that drops out of the cache and comes back gets a new id.
pub type MessageId = u64;

/// Ids come from one counter, so that ids of different decoders (threads) never collide.
fn next_id() -> MessageId {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
    NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

/// The cache.
#[derive(Debug, Clone)]
pub struct Memo {
    slots: Vec<Slot>,
    /// Lookups answered from the cache.
    pub hits: u64,
    /// Lookups that were not.
    pub misses: u64,
}

impl Default for Memo {
    fn default() -> Self {
        Memo {
            slots: vec![Slot::default(); SLOTS],
            hits: 0,
            misses: 0,
        }
    }
}

fn source_code(s: Option<Source>) -> u8 {
    match s {
        None => 0,
        Some(Source::Kernel) => 1,
        Some(Source::OpenIscsi) => 2,
        Some(Source::Multipathd) => 3,
        Some(Source::Systemd) => 4,
        Some(Source::Iscsiuio) => 5,
    }
}

/// FxHash over 8-byte words: fast, and good enough for a cache index.
pub fn hash(b: &[u8], seed: u8) -> u64 {
    const K: u64 = 0x517c_c1b7_2722_0a95;
    let mut h = u64::from(seed).wrapping_mul(K);
    let mut chunks = b.chunks_exact(8);
    for c in &mut chunks {
        let mut w = [0u8; 8];
        w.copy_from_slice(c);
        h = (h.rotate_left(5) ^ u64::from_le_bytes(w)).wrapping_mul(K);
    }
    for &x in chunks.remainder() {
        h = (h.rotate_left(5) ^ u64::from(x)).wrapping_mul(K);
    }
    h ^ (h >> 29)
}

impl Memo {
    fn index(msg: &str, source: u8) -> usize {
        (hash(msg.as_bytes(), source) as usize) & (SLOTS - 1)
    }

    /// The cached result for `msg` from `source`: `Some(pattern, spans, id)`, where
    /// `pattern` is `None` when no pattern matched.
    pub fn get(
        &mut self,
        msg: &str,
        source: Option<Source>,
    ) -> Option<(Option<usize>, &Spans, MessageId)> {
        let code = source_code(source);
        let slot = &self.slots[Self::index(msg, code)];
        if slot.used && slot.source == code && slot.key == msg {
            self.hits += 1;
            Some((slot.pattern, &slot.spans, slot.id))
        } else {
            self.misses += 1;
            None
        }
    }

    /// Remembers the result for `msg`; its id, unless the message is too long to keep.
    pub fn put(
        &mut self,
        msg: &str,
        source: Option<Source>,
        pattern: Option<usize>,
        spans: &[Option<(u32, u32)>],
    ) -> Option<MessageId> {
        if msg.len() > MAX_KEY {
            return None;
        }
        let code = source_code(source);
        let slot = &mut self.slots[Self::index(msg, code)];
        slot.key.clear();
        slot.key.push_str(msg);
        slot.source = code;
        slot.used = true;
        slot.id = next_id();
        slot.pattern = pattern;
        slot.spans.clear();
        slot.spans.extend_from_slice(spans);
        Some(slot.id)
    }
}

/// The shape key of `msg` into `out`: digit runs become `0xFF` and the run's length (bytes
/// that never occur in UTF-8 text).
pub fn shape_key(msg: &str, out: &mut Vec<u8>) {
    out.clear();
    out.reserve(msg.len());
    let b = msg.as_bytes();
    let mut i = 0;
    while i < b.len() {
        // The text up to the next digit is copied in one piece.
        let start = i;
        while i < b.len() && !b[i].is_ascii_digit() {
            i += 1;
        }
        out.extend_from_slice(&b[start..i]);
        if i == b.len() {
            break;
        }
        let digits = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        out.push(0xff);
        out.push((i - digits).min(0xfe) as u8);
    }
}

#[derive(Debug, Default, Clone)]
struct ShapeSlot {
    key: Vec<u8>,
    source: u8,
    used: bool,
    pattern: Option<usize>,
    sensitive: Vec<usize>,
    /// The group spans of the message that filled the slot, when its pattern is
    /// digit-blind: every message of the same shape and length matches it with these spans.
    spans: Option<(usize, Spans)>,
}

/// What the shape cache knows about a shape.
#[derive(Debug)]
pub struct ShapeHit<'a> {
    /// The pattern that matched (`None`: none did).
    pub pattern: Option<usize>,
    /// Digit-sensitive candidates of higher priority, to try first.
    pub sensitive: &'a [usize],
    /// The spans of `pattern`'s groups, when they hold for this message as they are.
    pub spans: Option<&'a Spans>,
}

/// The shape cache (see the module docs).
#[derive(Debug, Clone)]
pub struct Shapes {
    slots: Vec<ShapeSlot>,
}

impl Default for Shapes {
    fn default() -> Self {
        Shapes {
            slots: vec![ShapeSlot::default(); SLOTS],
        }
    }
}

impl Shapes {
    fn index(key: &[u8], source: u8) -> usize {
        (hash(key, source) as usize) & (SLOTS - 1)
    }

    /// What is known of the shape `key` of a message of `len` bytes from `source`.
    pub fn get(&self, key: &[u8], len: usize, source: Option<Source>) -> Option<ShapeHit<'_>> {
        let code = source_code(source);
        let slot = &self.slots[Self::index(key, code)];
        (slot.used && slot.source == code && slot.key == key).then(|| ShapeHit {
            pattern: slot.pattern,
            sensitive: &slot.sensitive[..],
            spans: slot
                .spans
                .as_ref()
                .filter(|(n, _)| *n == len)
                .map(|(_, s)| s),
        })
    }

    /// Remembers the pattern for a shape; `spans` (with the message's length) when the
    /// pattern is digit-blind.
    pub fn put(
        &mut self,
        key: &[u8],
        source: Option<Source>,
        pattern: Option<usize>,
        sensitive: impl Iterator<Item = usize>,
        spans: Option<(usize, &[Span])>,
    ) {
        if key.len() > MAX_KEY {
            return;
        }
        let code = source_code(source);
        let slot = &mut self.slots[Self::index(key, code)];
        slot.key.clear();
        slot.key.extend_from_slice(key);
        slot.source = code;
        slot.used = true;
        slot.pattern = pattern;
        slot.sensitive.clear();
        slot.sensitive.extend(sensitive);
        slot.spans = spans.map(|(n, v)| (n, v.to_vec()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remembers_and_distinguishes() {
        let mut m = Memo::default();
        assert!(m.get("a", None).is_none());
        let id = m.put("a", None, Some(3), &[Some((0, 1))]);
        assert_eq!(
            m.get("a", None).map(|x| (x.0, x.2)),
            Some((Some(3), id.unwrap()))
        );
        assert!(m.get("a", Some(Source::Kernel)).is_none());
        assert!(m.get("b", None).is_none());
        // Another message gets another id, even in the same slot; too long a one, none.
        let other = m.put("b", None, Some(3), &[]);
        assert!(other.is_some() && other != id);
        assert_eq!(m.put(&"x".repeat(MAX_KEY + 1), None, None, &[]), None);
        // The same message put again (after an eviction) gets a new id.
        let again = m.put("a", None, Some(3), &[Some((0, 1))]);
        assert!(again.is_some() && again != id);
    }

    #[test]
    fn shapes() {
        let (mut a, mut b) = (Vec::new(), Vec::new());
        shape_key("now 4295154944, x 12", &mut a);
        shape_key("now 4295999999, x 99", &mut b);
        assert_eq!(a, b);
        shape_key("now 42951549440, x 12", &mut b);
        assert_ne!(a, b);
        let mut s = Shapes::default();
        s.put(
            &a,
            None,
            Some(7),
            [3usize].into_iter(),
            Some((20, &[Some((4, 14))])),
        );
        let hit = s.get(&a, 20, None).unwrap();
        assert_eq!((hit.pattern, hit.sensitive), (Some(7), &[3usize][..]));
        assert_eq!(hit.spans, Some(&vec![Some((4, 14))]));
        // Another length (a digit run longer than the key can say) gets no spans.
        assert_eq!(s.get(&a, 21, None).unwrap().spans, None);
    }
}
