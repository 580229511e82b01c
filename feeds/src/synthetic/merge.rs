//! Several instruments' synthetic trade streams merged into one, in time order.

use sharewise_engine::types::Tick;

use super::SyntheticTicks;

/// A k-way merge by timestamp (ties: the earlier stream first). A handful of streams: a linear
/// scan over their heads.
pub struct MergedTicks {
    streams: Vec<(SyntheticTicks, Option<Tick>)>,
}

impl MergedTicks {
    /// Merges `streams` (each already in time order).
    pub fn new(streams: impl IntoIterator<Item = SyntheticTicks>) -> MergedTicks {
        MergedTicks {
            streams: streams
                .into_iter()
                .map(|mut s| {
                    let head = s.next();
                    (s, head)
                })
                .collect(),
        }
    }
}

impl Iterator for MergedTicks {
    type Item = Tick;

    fn next(&mut self) -> Option<Tick> {
        let (k, _) = self
            .streams
            .iter()
            .enumerate()
            .filter_map(|(k, (_, head))| head.map(|t| (k, t.ts)))
            .min_by_key(|&(k, ts)| (ts, k))?;
        let (stream, head) = &mut self.streams[k];
        let tick = head.take();
        *head = stream.next();
        tick
    }
}
