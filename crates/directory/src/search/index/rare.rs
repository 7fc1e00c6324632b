//! Trees over the entries with one rare attribute bit, which selective filters walk instead of the main tree.

use crate::search::attrs::LIVE;
use crate::search::tree::{self, Node};

/// A k-d tree over only the base entries with one attribute bit that at most [`RARE_SHARE`] of clinics have
/// (a treatment, a way of paying, a language). A nearest-clinic query that requires such a bit walks the
/// smallest matching rare tree instead of the main one, so a filter that keeps 1% of clinics costs about
/// what a filter keeping 6% would: the walk no longer wades through clinics that lack the rare bit.
/// The entries point back at base positions; removals are seen through the base "live" bit.
#[derive(Debug, Clone)]
pub(super) struct RareTree {
    pub(super) bit: u64,
    pub(super) nodes: Vec<Node>,
    pub(super) xyz: Vec<[f64; 3]>,
    pub(super) attrs: Vec<u64>,
    pub(super) base: Vec<u32>,
}

/// The largest share of clinics a bit may have to get a rare tree: the extra memory is bounded by the sum of
/// these shares (about 1.5 copies of the base arrays for the benchmark data).
const RARE_SHARE: f64 = 0.25;
/// Fewer entries than this with a bit are searched quickly enough through the main tree.
const RARE_MIN: usize = 512;

/// Builds a [`RareTree`] for every attribute bit that between [`RARE_MIN`] entries and [`RARE_SHARE`] of all
/// entries have. `base` holds input indices; the caller maps them to tree positions.
pub(super) fn rare_trees(xyz: &[[f64; 3]], attrs: &[u64]) -> Vec<RareTree> {
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
