//! `ClinicIndex`: exact nearest-clinic search with filters, radius, paging and totals, plus cheap updates.
//!
//! The base is a static k-d tree ([`super::tree`]) over the clinics it was built from; every node carries the
//! OR of its subtree's attribute words, so a best-first walk skips subtrees that cannot match. Selective
//! filters walk a smaller tree instead: one per rare attribute bit ([`RareTree`]). `total` comes from a
//! superset-count table without a radius ([`super::counts`]) and from node counts with one. Changes since then
//! live in a small delta list (scanned linearly by every query) and as tombstones (a cleared "live" bit on
//! the base entry, which every filter requires), so an upsert or removal costs microseconds and results stay
//! exact. [`ClinicIndex::compact`] folds the changes into a fresh tree; callers run it when
//! [`ClinicIndex::pending_changes`] grows (a rebuild at 1,000,000 clinics takes about half a second to a second on two cores).
//!
//! Exactness: pruning and candidate selection use chords between unit vectors with a safety margin
//! ([`CHORD_EPSILON`]); the order and the distances reported come from the haversine formula alone.
//! Keeping every candidate within `c_k + 2ε` of the k-th smallest chord `c_k` keeps every true top-k member,
//! because the chord of a haversine distance differs from the computed chord by at most ε.

use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap};

use crate::model::{Clinic, ClinicId};

use super::attrs::{LIVE, LanguageBits, Mask};
use super::counts::SignatureCounts;
use super::distance::{CHORD_EPSILON, GeoPoint, chord_of_km, chord2};
use super::ids::IdTable;
use super::query::Query;
use super::tree::{self, Node};

/// One clinic found, with its great-circle distance from the origin.
#[derive(Debug, Clone, Copy)]
pub struct Hit<'a> {
    pub clinic: &'a Clinic,
    pub distance_km: f64,
}

/// A page of hits, sorted by distance then id, and how many clinics match in all.
#[derive(Debug, Clone)]
pub struct SearchResult<'a> {
    pub total: usize,
    pub hits: Vec<Hit<'a>>,
}

/// A clinic added or replaced since the tree was built.
#[derive(Debug, Clone)]
struct DeltaEntry {
    xyz: [f64; 3],
    geo: GeoPoint,
    attrs: u64,
    clinic: Clinic,
}

/// The in-memory clinic search index. See the module documentation.
#[derive(Debug, Clone)]
pub struct ClinicIndex {
    nodes: Vec<Node>,
    // The arrays below are in tree order: a node covers positions start..end of each.
    xyz: Vec<[f64; 3]>,
    attrs: Vec<u64>,
    geo: Vec<GeoPoint>,
    /// Index into `clinics` of the entry at each tree position.
    slot: Vec<u32>,
    /// The clinics the tree was built from, in input order (moving them into tree order costs more than it saves).
    clinics: Vec<Clinic>,
    /// Tree position of each clinic in `clinics`.
    position_of: Vec<u32>,
    base_ids: IdTable,
    /// Base positions replaced or removed since the build.
    dead: Vec<u32>,
    delta: Vec<DeltaEntry>,
    delta_ids: BTreeMap<ClinicId, usize>,
    languages: LanguageBits,
    counts: SignatureCounts,
    /// Extra trees over the entries that have one rare attribute bit (see [`RareTree`]).
    rare: Vec<RareTree>,
}

/// A k-d tree over only the base entries with one attribute bit that at most [`RARE_SHARE`] of clinics have
/// (a treatment, a way of paying, a language). A nearest-clinic query that requires such a bit walks the
/// smallest matching rare tree instead of the main one, so a filter that keeps 1% of clinics costs about
/// what a filter keeping 6% would: the walk no longer wades through clinics that lack the rare bit.
/// The entries point back at base positions; removals are seen through the base "live" bit.
#[derive(Debug, Clone)]
struct RareTree {
    bit: u64,
    nodes: Vec<Node>,
    xyz: Vec<[f64; 3]>,
    attrs: Vec<u64>,
    base: Vec<u32>,
}

/// The largest share of clinics a bit may have to get a rare tree: the extra memory is bounded by the sum of
/// these shares (about 1.5 copies of the base arrays for the benchmark data).
const RARE_SHARE: f64 = 0.25;
/// Fewer entries than this with a bit are searched quickly enough through the main tree.
const RARE_MIN: usize = 512;

/// The arrays one nearest-clinic walk reads: the main tree (`base` is `None`, positions are base positions)
/// or a rare tree (`base` maps its positions to base positions).
#[derive(Clone, Copy)]
struct View<'a> {
    nodes: &'a [Node],
    xyz: &'a [[f64; 3]],
    attrs: &'a [u64],
    base: Option<&'a [u32]>,
}

/// The radius as squared chords: entries within `inner2` are certainly inside, beyond `outer2` certainly
/// outside; in between the haversine distance decides.
#[derive(Debug, Clone, Copy)]
struct Ball {
    km: f64,
    inner2: f64,
    outer2: f64,
}

impl Ball {
    fn new(km: f64) -> Self {
        let chord = chord_of_km(km);
        let inner = chord - 2.0 * CHORD_EPSILON;
        let outer = chord + 2.0 * CHORD_EPSILON;
        Ball { km, inner2: if inner > 0.0 { inner * inner } else { -1.0 }, outer2: outer * outer }
    }

    #[inline]
    fn contains(&self, c2: f64, origin: &GeoPoint, at: &GeoPoint) -> bool {
        c2 <= self.inner2 || (c2 <= self.outer2 && origin.haversine(at) <= self.km)
    }
}

/// A reference to an entry: a base tree position, or `DELTA + i` for delta entry `i`.
const DELTA: usize = 1 << (usize::BITS - 1);

impl ClinicIndex {
    /// Builds the index. When several clinics share an id, the last one wins (as an import updates).
    ///
    /// # Panics
    /// With 4,294,967,295 clinics or more (positions are stored as u32), far beyond any directory.
    pub fn build(clinics: Vec<Clinic>) -> Self {
        assert!(clinics.len() < u32::MAX as usize, "too many clinics for one index");
        let (mut base_ids, repeated) = IdTable::build(&clinics);
        let clinics = if repeated.is_empty() {
            clinics
        } else {
            // Keep the last clinic of each id: drop every earlier one whose id comes again later.
            let mut last: BTreeMap<&str, usize> = BTreeMap::new();
            for (i, c) in clinics.iter().enumerate() {
                last.insert(c.id.as_str(), i);
            }
            let keep: Vec<bool> =
                clinics.iter().enumerate().map(|(i, c)| last.get(c.id.as_str()) == Some(&i)).collect();
            let kept: Vec<Clinic> = clinics.into_iter().zip(keep).filter_map(|(c, k)| k.then_some(c)).collect();
            base_ids = IdTable::build(&kept).0;
            kept
        };

        let languages = LanguageBits::from_clinics(clinics.iter());
        let geo: Vec<GeoPoint> = clinics.iter().map(|c| GeoPoint::new(c.position)).collect();
        let xyz: Vec<[f64; 3]> = geo.iter().map(GeoPoint::unit_vector).collect();
        let attrs: Vec<u64> = clinics.iter().map(|c| languages.attrs(c)).collect();
        let counts = SignatureCounts::build(&attrs);
        // The rare-bit trees do not depend on the main tree: build them on a second thread. They only speed
        // searches up, so should their thread fail the index simply goes without them.
        let ((nodes, slot), mut rare) = std::thread::scope(|scope| {
            let rare = scope.spawn(|| rare_trees(&xyz, &attrs));
            let main = tree::build(&xyz, &attrs);
            (main, rare.join().unwrap_or_default())
        });

        let xyz: Vec<[f64; 3]> = slot.iter().map(|&i| xyz[i as usize]).collect();
        let geo = slot.iter().map(|&i| geo[i as usize]).collect();
        let attrs: Vec<u64> = slot.iter().map(|&i| attrs[i as usize]).collect();
        let mut position_of = vec![0u32; slot.len()];
        for (pos, &i) in slot.iter().enumerate() {
            position_of[i as usize] = pos as u32;
        }
        for tree in &mut rare {
            for b in &mut tree.base {
                *b = position_of[*b as usize];
            }
        }

        ClinicIndex {
            nodes,
            xyz,
            attrs,
            geo,
            slot,
            clinics,
            position_of,
            base_ids,
            dead: Vec::new(),
            delta: Vec::new(),
            delta_ids: BTreeMap::new(),
            languages,
            counts,
            rare,
        }
    }

    /// Live clinics.
    pub fn len(&self) -> usize {
        self.clinics.len() - self.dead.len() + self.delta.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Changes not yet folded into the tree. Each one costs every query a few nanoseconds (measured at
    /// 1,000,000 clinics: 1,000 pending changes took the 10%-filter query from about 5 to 8 µs), so compact
    /// ([`ClinicIndex::compacted`] off the request path) when this passes about a thousand.
    pub fn pending_changes(&self) -> usize {
        self.dead.len() + self.delta.len()
    }

    pub fn get(&self, id: &ClinicId) -> Option<&Clinic> {
        if let Some(&i) = self.delta_ids.get(id) {
            return Some(&self.delta[i].clinic);
        }
        let i = self.base_ids.find(&self.clinics, id)?;
        (self.attrs[self.position_of[i] as usize] & LIVE != 0).then(|| &self.clinics[i])
    }

    /// Every live clinic, in no particular order.
    pub fn clinics(&self) -> impl Iterator<Item = &Clinic> {
        let base = self
            .clinics
            .iter()
            .zip(&self.position_of)
            .filter(|(_, p)| self.attrs[**p as usize] & LIVE != 0)
            .map(|(c, _)| c);
        base.chain(self.delta.iter().map(|d| &d.clinic))
    }

    /// Adds a clinic, or replaces the one with the same id.
    pub fn upsert(&mut self, clinic: Clinic) {
        self.kill_base(&clinic.id);
        self.languages.learn(&clinic);
        let geo = GeoPoint::new(clinic.position);
        let entry = DeltaEntry { xyz: geo.unit_vector(), geo, attrs: self.languages.attrs(&clinic), clinic };
        match self.delta_ids.get(&entry.clinic.id) {
            Some(&i) => self.delta[i] = entry,
            None => {
                self.delta_ids.insert(entry.clinic.id.clone(), self.delta.len());
                self.delta.push(entry);
            }
        }
    }

    /// Removes a clinic; returns whether it was there.
    pub fn remove(&mut self, id: &ClinicId) -> bool {
        let in_base = self.kill_base(id);
        let in_delta = match self.delta_ids.remove(id) {
            Some(i) => {
                self.delta.swap_remove(i);
                if let Some(moved) = self.delta.get(i) {
                    self.delta_ids.insert(moved.clinic.id.clone(), i);
                }
                true
            }
            None => false,
        };
        in_base || in_delta
    }

    /// A fresh index over the live clinics, leaving this one untouched: a server builds it off the request
    /// path while readers keep using the current index, swaps it in, and re-applies the changes it received
    /// in the meantime.
    pub fn compacted(&self) -> ClinicIndex {
        ClinicIndex::build(self.clinics().cloned().collect())
    }

    /// Rebuilds the tree from the live clinics in place, folding in every pending change.
    pub fn compact(&mut self) {
        let live_flags: Vec<bool> = self.position_of.iter().map(|&p| self.attrs[p as usize] & LIVE != 0).collect();
        let base = std::mem::take(&mut self.clinics).into_iter().zip(live_flags).filter(|(_, live)| *live);
        let mut live: Vec<Clinic> = base.map(|(c, _)| c).collect();
        live.extend(std::mem::take(&mut self.delta).into_iter().map(|d| d.clinic));
        *self = ClinicIndex::build(live);
    }

    fn kill_base(&mut self, id: &ClinicId) -> bool {
        let Some(i) = self.base_ids.find(&self.clinics, id) else { return false };
        let pos = self.position_of[i];
        if self.attrs[pos as usize] & LIVE == 0 {
            return false;
        }
        self.attrs[pos as usize] &= !LIVE;
        tree::mark_removed(&mut self.nodes, pos);
        self.dead.push(pos);
        true
    }

    /// The exact language check of base position `pos`, reading the clinic only when the mask needs it.
    #[inline]
    fn confirms_at(&self, mask: &Mask, pos: usize) -> bool {
        mask.exact_language.is_none() || mask.confirms(&self.clinics[self.slot[pos] as usize])
    }

    fn clinic_at(&self, r: usize) -> &Clinic {
        if r >= DELTA { &self.delta[r - DELTA].clinic } else { &self.clinics[self.slot[r] as usize] }
    }

    fn geo_at(&self, r: usize) -> &GeoPoint {
        if r >= DELTA { &self.delta[r - DELTA].geo } else { &self.geo[r] }
    }

    /// Runs a query: the page `offset..offset + limit` of matching clinics by distance then id, and the total.
    pub fn search(&self, query: &Query) -> SearchResult<'_> {
        let origin = GeoPoint::new(query.origin);
        let q = origin.unit_vector();
        let Some(mask) = self.languages.mask(&query.filter) else {
            return SearchResult { total: 0, hits: Vec::new() };
        };
        let ball = query.radius.map(|r| Ball::new(r.km()));
        let page = |ranked: Vec<(f64, usize)>| -> Vec<Hit<'_>> {
            let page = ranked.into_iter().skip(query.offset).take(query.limit);
            page.map(|(distance_km, r)| Hit { clinic: self.clinic_at(r), distance_km }).collect()
        };
        // A page that may reach past the last clinic needs every match: collect them and count them at once.
        if query.offset.saturating_add(query.limit) >= self.len() {
            let ranked = self.all_matches(&q, &origin, &mask, ball.as_ref());
            return SearchResult { total: ranked.len(), hits: page(ranked) };
        }
        let total = match &ball {
            Some(ball) => self.count_within(&q, &origin, &mask, ball),
            None => self.count_all(&mask),
        };
        let wanted = query.offset.saturating_add(query.limit).min(total);
        if wanted <= query.offset {
            return SearchResult { total, hits: Vec::new() };
        }
        // When the page reaches the last match, every match is needed: collect them without ranking on the way.
        let ranked = if wanted == total {
            self.all_matches(&q, &origin, &mask, ball.as_ref())
        } else {
            self.nearest(&q, &origin, &mask, ball.as_ref(), wanted)
        };
        SearchResult { total, hits: page(ranked) }
    }

    /// The `k` best matches by (haversine distance, id), as (distance, entry reference).
    fn nearest(
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
    fn all_matches(&self, q: &[f64; 3], origin: &GeoPoint, mask: &Mask, ball: Option<&Ball>) -> Vec<(f64, usize)> {
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

    /// Matching clinics anywhere: the build-time table, corrected by the change lists.
    fn count_all(&self, mask: &Mask) -> usize {
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
    fn count_within(&self, q: &[f64; 3], origin: &GeoPoint, mask: &Mask, ball: &Ball) -> usize {
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

/// Builds a [`RareTree`] for every attribute bit that between [`RARE_MIN`] entries and [`RARE_SHARE`] of all
/// entries have. `base` holds input indices; the caller maps them to tree positions.
fn rare_trees(xyz: &[[f64; 3]], attrs: &[u64]) -> Vec<RareTree> {
    let mut counts = [0usize; 64];
    for &a in attrs {
        let mut bits = a & !LIVE;
        while bits != 0 {
            counts[bits.trailing_zeros() as usize] += 1;
            bits &= bits - 1;
        }
    }
    let limit = (attrs.len() as f64 * RARE_SHARE) as usize;
    (0..64)
        .filter(|&b| counts[b] >= RARE_MIN && counts[b] <= limit)
        .map(|b| {
            let bit = 1u64 << b;
            let members: Vec<u32> = (0..attrs.len()).filter(|&p| attrs[p] & bit != 0).map(|p| p as u32).collect();
            let points: Vec<[f64; 3]> = members.iter().map(|&p| xyz[p as usize]).collect();
            let words: Vec<u64> = members.iter().map(|&p| attrs[p as usize]).collect();
            let (nodes, perm) = tree::build(&points, &words);
            RareTree {
                bit,
                nodes,
                xyz: perm.iter().map(|&i| points[i as usize]).collect(),
                attrs: perm.iter().map(|&i| words[i as usize]).collect(),
                base: perm.iter().map(|&i| members[i as usize]).collect(),
            }
        })
        .collect()
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
