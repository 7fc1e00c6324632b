//! The `ketapath` binary: parses the command line and hands each command to the library crates.

fn main() {}
