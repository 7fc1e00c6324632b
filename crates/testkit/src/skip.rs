//! The skip policy: a test whose outside dependency is missing says so visibly and passes on a developer machine,
//! and fails under `CI=true`, where a test must never count as passed without having run.

use std::io::Write;

/// The name of the running test: libtest names each test's thread after it.
pub fn current_test() -> String {
    std::thread::current().name().unwrap_or("<unnamed test>").to_owned()
}

/// Skips the running test because `what` is missing (`why` says how to provide it), or fails it under `CI=true`.
///
/// The notice is written to the real stderr rather than through `eprintln!`, which the test harness captures and
/// shows only for failing tests: a skip must be visible in every run.
pub fn skip(what: &str, why: &str) {
    let test = current_test();
    if std::env::var("CI").as_deref() == Ok("true") {
        panic!("FAILED ({what}): {why}, and CI=true requires it: {test}");
    }
    let _ = writeln!(std::io::stderr(), "SKIPPED ({what}): {why}: {test}");
}
