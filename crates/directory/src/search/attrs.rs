//! The index's compact form of a clinic's filterable attributes: one `u64` per clinic, so that a filter is
//! one AND and a compare, and a tree node can carry the OR of its subtree.
//!
//! Layout: bits 0-6 offers, 7-12 payments, 13 telehealth, 14 accepting new patients, 15 "live" (cleared when
//! the entry is replaced or removed; every filter requires it), 16-62 one bit per frequent language
//! (47 dense ids, most frequent first), 63 "speaks some other language" for the rest, which the index then
//! checks exactly against the clinic's language list.

use crate::codes::Language;
use crate::model::Clinic;

use super::query::Filter;

const PAYMENT_SHIFT: u32 = 7;
pub(crate) const TELEHEALTH: u64 = 1 << 13;
pub(crate) const ACCEPTING: u64 = 1 << 14;
pub(crate) const LIVE: u64 = 1 << 15;
/// The low bits that the signature count table is indexed by: offers, payments, telehealth, accepting.
pub(crate) const SIGNATURE_BITS: u32 = 15;
pub(crate) const SIGNATURE_MASK: u64 = (1 << SIGNATURE_BITS) - 1;
const LANG_SHIFT: u32 = 16;
/// How many languages get a bit of their own.
pub(crate) const DENSE_LANGUAGES: usize = 47;
pub(crate) const LANG_OTHER: u64 = 1 << 63;

/// Two lower-case ASCII letters give 26 * 26 possible codes: a flat table replaces a hash map.
const CODES: usize = 26 * 26;
const UNSEEN: u8 = u8::MAX;
const OTHER: u8 = u8::MAX - 1;

fn code_index(language: Language) -> usize {
    let b = language.as_str().as_bytes();
    // Language guarantees two lower-case ASCII letters; anything else would be a bug, mapped harmlessly to "aa".
    match b {
        [x, y] if x.is_ascii_lowercase() && y.is_ascii_lowercase() => {
            usize::from(x - b'a') * 26 + usize::from(y - b'a')
        }
        _ => 0,
    }
}

/// Which languages have a dense bit, which fall into "other", and which no clinic has spoken yet.
#[derive(Debug, Clone)]
pub(crate) struct LanguageBits {
    slot: Box<[u8; CODES]>,
    dense_used: usize,
}

/// How a language filter compiles.
pub(crate) enum LanguageSlot {
    Dense(usize),
    Other,
    Unseen,
}

impl LanguageBits {
    /// Gives the most frequent languages of `clinics` the dense bits.
    pub(crate) fn from_clinics<'a>(clinics: impl Iterator<Item = &'a Clinic>) -> Self {
        let mut counts = vec![0u64; CODES];
        for clinic in clinics {
            for &l in &clinic.languages {
                counts[code_index(l)] += 1;
            }
        }
        let mut order: Vec<usize> = (0..CODES).filter(|&i| counts[i] > 0).collect();
        order.sort_by(|&a, &b| counts[b].cmp(&counts[a]).then(a.cmp(&b)));
        let mut bits = LanguageBits { slot: Box::new([UNSEEN; CODES]), dense_used: 0 };
        for code in order {
            bits.assign(code);
        }
        bits
    }

    fn assign(&mut self, code: usize) {
        if self.slot[code] != UNSEEN {
            return;
        }
        if self.dense_used < DENSE_LANGUAGES {
            // dense_used < 47, so the cast cannot truncate.
            self.slot[code] = self.dense_used as u8;
            self.dense_used += 1;
        } else {
            self.slot[code] = OTHER;
        }
    }

    /// Makes sure every language of a clinic added after the build has a slot.
    pub(crate) fn learn(&mut self, clinic: &Clinic) {
        for &l in &clinic.languages {
            self.assign(code_index(l));
        }
    }

    pub(crate) fn lookup(&self, language: Language) -> LanguageSlot {
        match self.slot[code_index(language)] {
            UNSEEN => LanguageSlot::Unseen,
            OTHER => LanguageSlot::Other,
            dense => LanguageSlot::Dense(usize::from(dense)),
        }
    }

    /// The attribute word of a clinic whose languages have all been learnt.
    pub(crate) fn attrs(&self, clinic: &Clinic) -> u64 {
        let mut bits = u64::from(clinic.offers.bits())
            | (u64::from(clinic.payment.bits()) << PAYMENT_SHIFT)
            | if clinic.telehealth { TELEHEALTH } else { 0 }
            | if clinic.accepting_new_patients { ACCEPTING } else { 0 }
            | LIVE;
        for &l in &clinic.languages {
            bits |= match self.lookup(l) {
                LanguageSlot::Dense(id) => 1 << (LANG_SHIFT + id as u32),
                LanguageSlot::Other | LanguageSlot::Unseen => LANG_OTHER,
            };
        }
        bits
    }

    /// Compiles a filter; `None` when it cannot match any clinic (a language nobody speaks).
    pub(crate) fn mask(&self, filter: &Filter) -> Option<Mask> {
        let mut bits = u64::from(filter.offers.bits())
            | (u64::from(filter.payment.bits()) << PAYMENT_SHIFT)
            | if filter.telehealth { TELEHEALTH } else { 0 }
            | if filter.accepting { ACCEPTING } else { 0 }
            | LIVE;
        let mut exact_language = None;
        let mut dense_language = None;
        if let Some(l) = filter.language {
            match self.lookup(l) {
                LanguageSlot::Dense(id) => {
                    bits |= 1 << (LANG_SHIFT + id as u32);
                    dense_language = Some(id);
                }
                LanguageSlot::Other => {
                    bits |= LANG_OTHER;
                    exact_language = Some(l);
                }
                LanguageSlot::Unseen => return None,
            }
        }
        let any = u64::from(filter.any_offers.bits());
        Some(Mask { bits, any, exact_language, dense_language })
    }
}

/// A compiled filter: an entry matches when it has every bit of `bits`, at least one bit of `any` (when not
/// zero), and speaks `exact_language`, if set. A subtree's union admits the same test soundly: a union without
/// any bit of `any` means no entry below has one.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Mask {
    pub(crate) bits: u64,
    pub(crate) any: u64,
    /// A language without a dense bit, checked against the clinic itself.
    pub(crate) exact_language: Option<Language>,
    pub(crate) dense_language: Option<usize>,
}

impl Mask {
    #[inline]
    pub(crate) fn admits(&self, attrs: u64) -> bool {
        attrs & self.bits == self.bits && (self.any == 0 || attrs & self.any != 0)
    }

    /// Whether the mask is "every live clinic", so node counts can stand in for scans.
    pub(crate) fn is_everything(&self) -> bool {
        self.bits == LIVE && self.any == 0 && self.exact_language.is_none()
    }

    /// The exact test for an entry whose bits were admitted.
    #[inline]
    pub(crate) fn confirms(&self, clinic: &Clinic) -> bool {
        self.exact_language.is_none_or(|l| clinic.languages.contains(&l))
    }
}
