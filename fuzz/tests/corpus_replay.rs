//! Runs every fuzz target's body, on a stable `cargo test`, over its committed corpus and over a few thousand
//! inputs derived from it by simple deterministic mutations. This is not fuzzing (no coverage feedback); it keeps
//! the seeds and every crash input added to the corpus as regression cases for the targets' properties.

use std::path::{Path, PathBuf};

use ketapath_fuzz::TARGETS;

/// Mutated inputs per seed: enough to reach the error paths, few enough for a test run of seconds.
const MUTATIONS_PER_SEED: u64 = 300;

fn corpus(target: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus").join(target);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.expect("corpus entry").path())
        .collect();
    files.sort();
    files.into_iter().map(|path| (path.clone(), std::fs::read(&path).expect("corpus file"))).collect()
}

/// A small xorshift generator: deterministic, so a failure reproduces from the test's name alone.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % n.max(1) as u64).expect("below a usize")
    }
}

/// Bytes that matter to the formats under test: NUL, an invalid UTF-8 byte, JSON and CSV punctuation, line ends.
const SPECIAL: &[u8] = b"\0\xff\"{[,;\n\r\\-9";

/// One mutation in the style of libFuzzer's: flip, insert, delete, or copy a slice of the input elsewhere.
fn mutate(seed: &[u8], rng: &mut Rng) -> Vec<u8> {
    let mut bytes = seed.to_vec();
    for _ in 0..=rng.below(4) {
        let at = rng.below(bytes.len() + 1);
        match rng.below(5) {
            0 if at < bytes.len() => bytes[at] ^= 1 << rng.below(8),
            1 => bytes.insert(at, SPECIAL[rng.below(SPECIAL.len())]),
            2 if at < bytes.len() => {
                bytes.remove(at);
            }
            3 if !bytes.is_empty() => {
                let from = rng.below(bytes.len());
                let len = rng.below(16).min(bytes.len() - from);
                let piece = bytes[from..from + len].to_vec();
                bytes.splice(at..at, piece);
            }
            _ => bytes.truncate(at),
        }
    }
    bytes
}

#[test]
fn every_target_has_seeds_and_passes_them_and_their_mutations() {
    for (name, body) in TARGETS {
        let seeds = corpus(name);
        assert!(!seeds.is_empty(), "fuzz/corpus/{name} has no seeds");
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        for (path, seed) in &seeds {
            body(seed);
            for _ in 0..MUTATIONS_PER_SEED {
                let input = mutate(seed, &mut rng);
                let outcome = std::panic::catch_unwind(|| body(&input));
                assert!(outcome.is_ok(), "{name}: a mutation of {} failed; input: {:?}", path.display(), input);
            }
        }
    }
}
