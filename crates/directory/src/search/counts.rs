//! `total` without a radius in constant time: how many clinics have at least a given set of attribute bits.
//!
//! For each language slot (no language, then each dense language) a table over the 15 signature bits holds
//! the number of entries whose signature is a superset of the index (a superset-sum, "zeta", transform).
//! A filter's count is then one lookup. The table describes the clinics the index was built from; the
//! index corrects it for later upserts and removals by scanning its small change lists.

use super::attrs::{DENSE_LANGUAGES, Mask, SIGNATURE_BITS, SIGNATURE_MASK};

const SIGNATURES: usize = 1 << SIGNATURE_BITS;
const LANG_SHIFT: u32 = 16;

/// Below this many entries a scan of the attribute words is as fast as a lookup, and cheaper to build.
const MIN_ENTRIES: usize = 4096;

#[derive(Debug, Clone, Default)]
pub(crate) struct SignatureCounts {
    /// Slot 0: all entries; slot 1 + id: entries that speak dense language `id`. Empty when no entry does.
    slots: Vec<Vec<u32>>,
}

impl SignatureCounts {
    pub(crate) fn build(attrs: &[u64]) -> Self {
        if attrs.len() < MIN_ENTRIES {
            return SignatureCounts::default();
        }
        let mut slots: Vec<Vec<u32>> = vec![Vec::new(); DENSE_LANGUAGES + 1];
        for &a in attrs {
            let signature = (a & SIGNATURE_MASK) as usize;
            bump(&mut slots[0], signature);
            let mut languages = (a >> LANG_SHIFT) & ((1 << DENSE_LANGUAGES) - 1);
            while languages != 0 {
                let id = languages.trailing_zeros() as usize;
                bump(&mut slots[1 + id], signature);
                languages &= languages - 1;
            }
        }
        for table in slots.iter_mut().filter(|t| !t.is_empty()) {
            for bit in 0..SIGNATURE_BITS {
                let step = 1usize << bit;
                for m in 0..SIGNATURES {
                    if m & step == 0 {
                        table[m] += table[m | step];
                    }
                }
            }
        }
        SignatureCounts { slots }
    }

    /// Entries at build time that the mask admits; `None` when the mask needs an exact language check, asks for
    /// any one of several bits (a superset table cannot answer "at least one of"), or the index was too small to
    /// need a table.
    pub(crate) fn count(&self, mask: &Mask) -> Option<u64> {
        if mask.exact_language.is_some() || mask.any != 0 || self.slots.is_empty() {
            return None;
        }
        let slot = mask.dense_language.map_or(0, |id| id + 1);
        let table = self.slots.get(slot)?;
        Some(table.get((mask.bits & SIGNATURE_MASK) as usize).map_or(0, |&n| u64::from(n)))
    }
}

fn bump(table: &mut Vec<u32>, signature: usize) {
    if table.is_empty() {
        table.resize(SIGNATURES, 0);
    }
    table[signature] += 1;
}
