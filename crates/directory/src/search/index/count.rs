//! `total`: how many clinics match, anywhere (the superset-count table, corrected for pending changes) or
//! within a radius (node counts for nodes wholly inside the ball).

use super::{Ball, ClinicIndex};
use crate::search::attrs::{LIVE, Mask};
use crate::search::distance::{GeoPoint, chord2};

impl ClinicIndex {
    /// Matching clinics anywhere: the build-time table, corrected by the change lists.
    pub(super) fn count_all(&self, mask: &Mask) -> usize {
        let delta = self.delta.iter().filter(|d| mask.admits(d.attrs) && mask.confirms(&d.clinic)).count();
        let base = match self.counts.count(mask) {
            Some(built) => {
                let removed = self.dead.iter().filter(|&&pos| mask.admits(self.attrs[pos as usize] | LIVE)).count();
                built as usize - removed
            }
            // A small index, or a language without a dense bit (the rarest ones): scan.
            None => self.count_range(0, self.clinics.len(), mask),
        };
        base + delta
    }

    fn count_range(&self, start: usize, end: usize, mask: &Mask) -> usize {
        if mask.exact_language.is_none() {
            self.attrs[start..end].iter().filter(|&&a| mask.admits(a)).count()
        } else {
            (start..end).filter(|&pos| mask.admits(self.attrs[pos]) && self.confirms_at(mask, pos)).count()
        }
    }

    /// Matching clinics within the ball: whole nodes inside it are counted without distances.
    pub(super) fn count_within(&self, q: &[f64; 3], origin: &GeoPoint, mask: &Mask, ball: &Ball) -> usize {
        let mut total = self
            .delta
            .iter()
            .filter(|d| {
                mask.admits(d.attrs) && mask.confirms(&d.clinic) && ball.contains(chord2(q, &d.xyz), origin, &d.geo)
            })
            .count();
        let mut stack: Vec<u32> = Vec::with_capacity(64);
        stack.push(0);
        while let Some(n) = stack.pop() {
            let node = &self.nodes[n as usize];
            if !mask.admits(node.union) || node.live == 0 || node.min_dist2(q) > ball.outer2 {
                continue;
            }
            let (start, end) = (node.start as usize, node.end as usize);
            if node.max_dist2(q) <= ball.inner2 {
                total += if mask.is_everything() { node.live as usize } else { self.count_range(start, end, mask) };
            } else if node.is_leaf() {
                total += (start..end)
                    .filter(|&pos| {
                        mask.admits(self.attrs[pos])
                            && self.confirms_at(mask, pos)
                            && ball.contains(chord2(q, &self.xyz[pos]), origin, &self.geo[pos])
                    })
                    .count();
            } else {
                stack.push(node.left);
                stack.push(node.left + 1);
            }
        }
        total
    }
}
