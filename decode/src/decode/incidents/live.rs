//! What a live run (a pipe, a followed file) asks of the engine besides feeding it: the
//! incidents still open, and closing those the log has left alone for longer than the quiet
//! gap, so that the state of a run that lasts for days stays bounded.

use super::{Engine, Incident, QUIET_GAP_S};
use crate::decode::clock::Instant;

impl Engine {
    /// The incidents still open, in no particular order.
    pub fn open_incidents(&self) -> impl Iterator<Item = &Incident> {
        self.slots.iter().flatten()
    }

    /// The number of incidents opened so far (the `seq` of the last one).
    pub fn opened(&self) -> u64 {
        self.seq
    }

    /// Closes, as they stand (unresolved unless a line said otherwise), the open incidents
    /// whose last line is more than the quiet gap (600 s) before `now` (a time
    /// of the log, on the same clock): a new symptom after that long would open a new
    /// incident anyway. They are returned by [`Engine::drain_closed`].
    pub fn close_stale(&mut self, now: Instant) {
        let mut stale: Vec<(u64, usize, usize)> = self
            .host_slots()
            .filter_map(|(h, i)| {
                let inc = self.slots.get(i).and_then(Option::as_ref)?;
                let last = inc.last.or(inc.end).or(inc.start);
                last.and_then(|t| now.since(t))
                    .is_some_and(|d| d > QUIET_GAP_S)
                    .then_some((inc.seq, h, i))
            })
            .collect();
        stale.sort_unstable();
        stale.dedup();
        for (_, h, i) in stale {
            self.close(h, i);
        }
    }
}
