//! The nearest-clinic walk: best-first over a tree's nodes, skipping subtrees whose attribute union cannot
//! match, with a candidate band that keeps the answer exact; and the collect-everything path.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use super::{Ball, ClinicIndex, DELTA};
use crate::search::attrs::{LIVE, Mask};
use crate::search::distance::{CHORD_EPSILON, GeoPoint, chord2};
use crate::search::tree::Node;

/// The arrays one nearest-clinic walk reads: the main tree (`base` is `None`, positions are base positions)
/// or a rare tree (`base` maps its positions to base positions).
#[derive(Clone, Copy)]
struct View<'a> {
    nodes: &'a [Node],
    xyz: &'a [[f64; 3]],
    attrs: &'a [u64],
    base: Option<&'a [u32]>,
}

impl ClinicIndex {
    /// The `k` best matches by (haversine distance, id), as (distance, entry reference).
    pub(super) fn nearest(
        &self,
        q: &[f64; 3],
        origin: &GeoPoint,
        mask: &Mask,
        ball: Option<&Ball>,
        k: usize,
    ) -> Vec<(f64, usize)> {
        let mut top = TopK::new(k, ball.map_or(f64::INFINITY, |b| b.outer2));
        for (i, d) in self.delta.iter().enumerate() {
            if mask.admits(d.attrs) && mask.confirms(&d.clinic) {
                let c2 = chord2(q, &d.xyz);
                if ball.is_none_or(|b| b.contains(c2, origin, &d.geo)) {
                    top.offer(c2, DELTA + i);
                }
            }
        }

        // Walk the smallest rare tree whose bit the filter requires, else the main tree.
        let rare = self.rare.iter().filter(|t| mask.bits & t.bit != 0).min_by_key(|t| t.base.len());
        let view = match rare {
            Some(t) => View { nodes: &t.nodes, xyz: &t.xyz, attrs: &t.attrs, base: Some(&t.base) },
            None => View { nodes: &self.nodes, xyz: &self.xyz, attrs: &self.attrs, base: None },
        };
        let mut queue: BinaryHeap<Reverse<(u64, u32)>> = BinaryHeap::with_capacity(64);
        let root = &view.nodes[0];
        if mask.admits(root.union) {
            queue.push(Reverse((root.min_dist2(q).to_bits(), 0)));
        }
        // Squared chords are never negative, so their bit patterns order like the numbers.
        while let Some(Reverse((bound_bits, n))) = queue.pop() {
            if f64::from_bits(bound_bits) > top.bound2 {
                break;
            }
            let mut n = n as usize;
            // Descend towards the nearer child directly and queue the farther one.
            loop {
                let node = &view.nodes[n];
                if node.is_leaf() {
                    self.scan_leaf(view, node, q, origin, mask, ball, &mut top);
                    break;
                }
                let left = node.left as usize;
                let dist = |c: usize| {
                    let child = &view.nodes[c];
                    (child.live > 0 && mask.admits(child.union)).then(|| child.min_dist2(q))
                };
                let (near, far) = match (dist(left), dist(left + 1)) {
                    (Some(l), Some(r)) if l <= r => (Some((left, l)), Some((left + 1, r))),
                    (Some(l), Some(r)) => (Some((left + 1, r)), Some((left, l))),
                    (Some(l), None) => (Some((left, l)), None),
                    (None, Some(r)) => (Some((left + 1, r)), None),
                    (None, None) => (None, None),
                };
                if let Some((c, d)) = far
                    && d <= top.bound2
                {
                    queue.push(Reverse((d.to_bits(), c as u32)));
                }
                match near {
                    Some((c, d)) if d <= top.bound2 => n = c,
                    _ => break,
                }
            }
        }

        let bound2 = top.bound2;
        let refs = top.candidates.into_iter().filter(|&(c2, _)| c2 <= bound2).map(|(_, r)| r);
        let mut ranked = self.rank(origin, refs);
        ranked.truncate(k);
        ranked
    }

    /// Every match (within the ball, if any), ranked.
    pub(super) fn all_matches(
        &self,
        q: &[f64; 3],
        origin: &GeoPoint,
        mask: &Mask,
        ball: Option<&Ball>,
    ) -> Vec<(f64, usize)> {
        let mut refs: Vec<usize> = Vec::new();
        for (i, d) in self.delta.iter().enumerate() {
            if mask.admits(d.attrs)
                && mask.confirms(&d.clinic)
                && ball.is_none_or(|b| b.contains(chord2(q, &d.xyz), origin, &d.geo))
            {
                refs.push(DELTA + i);
            }
        }
        let mut stack: Vec<u32> = Vec::with_capacity(64);
        stack.push(0);
        while let Some(n) = stack.pop() {
            let node = &self.nodes[n as usize];
            if !mask.admits(node.union) || node.live == 0 || ball.is_some_and(|b| node.min_dist2(q) > b.outer2) {
                continue;
            }
            let range = node.start as usize..node.end as usize;
            if ball.is_none_or(|b| node.max_dist2(q) <= b.inner2) {
                refs.extend(range.filter(|&pos| mask.admits(self.attrs[pos]) && self.confirms_at(mask, pos)));
            } else if node.is_leaf() {
                refs.extend(range.filter(|&pos| {
                    mask.admits(self.attrs[pos])
                        && self.confirms_at(mask, pos)
                        && ball.is_none_or(|b| b.contains(chord2(q, &self.xyz[pos]), origin, &self.geo[pos]))
                }));
            } else {
                stack.push(node.left);
                stack.push(node.left + 1);
            }
        }
        self.rank(origin, refs.into_iter())
    }

    /// Measures the entries and sorts them by (distance, id), the contract's order.
    fn rank(&self, origin: &GeoPoint, refs: impl Iterator<Item = usize>) -> Vec<(f64, usize)> {
        // Distances are never negative, so their bit patterns sort like the numbers and integer pairs sort
        // fastest; runs of equal distances are then put in id order.
        let mut ranked: Vec<(u64, usize)> = refs.map(|r| (origin.haversine(self.geo_at(r)).to_bits(), r)).collect();
        ranked.sort_unstable();
        let mut start = 0;
        while start < ranked.len() {
            let end = start + ranked[start..].iter().take_while(|e| e.0 == ranked[start].0).count();
            if end - start > 1 {
                ranked[start..end].sort_unstable_by(|a, b| self.clinic_at(a.1).id.cmp(&self.clinic_at(b.1).id));
            }
            start = end;
        }
        ranked.into_iter().map(|(bits, r)| (f64::from_bits(bits), r)).collect()
    }

    #[inline]
    #[allow(clippy::too_many_arguments)] // The walk's state, passed apart so that the borrows stay disjoint.
    fn scan_leaf(
        &self,
        view: View<'_>,
        node: &Node,
        q: &[f64; 3],
        origin: &GeoPoint,
        mask: &Mask,
        ball: Option<&Ball>,
        top: &mut TopK,
    ) {
        for i in node.start as usize..node.end as usize {
            if !mask.admits(view.attrs[i]) {
                continue;
            }
            let c2 = chord2(q, &view.xyz[i]);
            if c2 > top.bound2 {
                continue;
            }
            let pos = match view.base {
                None => i,
                // A rare tree's copy of the attributes does not see removals; the base entry does.
                Some(base) => {
                    let pos = base[i] as usize;
                    if self.attrs[pos] & LIVE == 0 {
                        continue;
                    }
                    pos
                }
            };
            if !self.confirms_at(mask, pos) {
                continue;
            }
            if ball.is_none_or(|b| b.contains(c2, origin, &self.geo[pos])) {
                top.offer(c2, pos);
            }
        }
    }
}

/// The running k smallest chords and every candidate that may still belong to the answer.
struct TopK {
    k: usize,
    /// Max-heap of the k smallest squared chords seen (as bits).
    heap: BinaryHeap<u64>,
    candidates: Vec<(f64, usize)>,
    /// Entries and nodes beyond this squared chord cannot be in the answer.
    bound2: f64,
    compact_at: usize,
}

impl TopK {
    fn new(k: usize, bound2: f64) -> Self {
        TopK {
            k,
            heap: BinaryHeap::with_capacity(k.min(4096) + 1),
            candidates: Vec::with_capacity(k.min(4096) + 16),
            bound2,
            compact_at: 2 * k.min(1 << 20) + 64,
        }
    }

    #[inline]
    fn offer(&mut self, c2: f64, r: usize) {
        self.candidates.push((c2, r));
        let bits = c2.to_bits();
        if self.heap.len() < self.k {
            self.heap.push(bits);
            if self.heap.len() == self.k {
                self.tighten();
            }
        } else if self.heap.peek().is_some_and(|&worst| bits < worst) {
            self.heap.pop();
            self.heap.push(bits);
            self.tighten();
        }
        if self.candidates.len() >= self.compact_at {
            let bound2 = self.bound2;
            self.candidates.retain(|&(c, _)| c <= bound2);
            self.compact_at = (2 * self.candidates.len()).max(self.compact_at);
        }
    }

    fn tighten(&mut self) {
        if let Some(&worst) = self.heap.peek() {
            let reach = f64::from_bits(worst).sqrt() + 2.0 * CHORD_EPSILON;
            self.bound2 = self.bound2.min(reach * reach);
        }
    }
}
