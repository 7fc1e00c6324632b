//! Tells cargo to rebuild the store when a migration file is added or changed: `sqlx::migrate!` embeds the
//! migrations at compile time, and on stable Rust it cannot ask cargo to watch the directories itself.

// A build script talks to cargo on standard output; that is its interface, not logging.
#[allow(clippy::print_stdout)]
fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
