//! Every command line in the README's fenced `sh` blocks, run in the README's order against a fresh temporary
//! folder with the debug binary this test suite already built: an example added to the README is tested as soon as
//! it is written, and one that stops working fails here.
//!
//! How the README's commands map to the test:
//! - `ketapath` is the suite's binary (`CARGO_BIN_EXE_ketapath`): a folder holding a `ketapath` link to it goes first
//!   on `PATH`. `cargo run --release -p ketapath --` is rewritten to `ketapath`, so no release build is made.
//! - A `serve` command starts in the background with `--listen 127.0.0.1:PORT` (a free port) added, and must answer
//!   `/readyz`; it serves the rest of the run, and `127.0.0.1:8080` in the other commands becomes its address.
//! - Commands under `scripts/` run the test suite itself, so they are not run here.
//! - Every other command must exit 0, or the code a `# exit code N` comment on its line names. curl runs with
//!   `--fail` (from a `.curlrc` in `CURL_HOME`), so an HTTP error answer fails its command too.
//! - The folder holds a copy of the repository's `examples/`, which the commands name by relative path; no
//!   `KETAPATH_*` variable of the environment reaches the commands, so the default database is the folder's own.
//! - The lines of one block run in one bash, so a variable set on one line (`TOKEN=$(…)`) reaches the next.
//!
//! A second test keeps the README and docs self-contained: none sends the reader to a file outside the repository.

#![cfg(unix)]
// Test helpers may unwrap: a panic there is a failed test with its cause.
#![allow(clippy::unwrap_used)]

mod support;

use std::path::Path;
use std::process::{Command, Stdio};

use support::{Server, free_port, wait_for};

const README: &str = include_str!("../../../README.md");

/// One command line of the README: its line number, its text (continuation lines joined) and the exit code the
/// README gives it.
#[derive(Debug)]
struct Example {
    line: usize,
    command: String,
    exit_code: i32,
}

/// The commands of every ```sh block, block by block.
fn sh_blocks(readme: &str) -> Vec<Vec<Example>> {
    let mut blocks = Vec::new();
    let mut current: Option<Vec<Example>> = None;
    let mut pending: Option<Example> = None;
    for (i, line) in readme.lines().enumerate() {
        let trimmed = line.trim();
        match current.as_mut() {
            None if trimmed == "```sh" => current = Some(Vec::new()),
            None => {}
            Some(block) if trimmed == "```" => {
                assert!(pending.is_none(), "README line {}: a block ends inside a continued line", i + 1);
                blocks.push(std::mem::take(block));
                current = None;
            }
            Some(block) => {
                let mut example =
                    pending.take().unwrap_or(Example { line: i + 1, command: String::new(), exit_code: 0 });
                if let Some(continued) = line.strip_suffix('\\') {
                    example.command.push_str(continued);
                    pending = Some(example);
                    continue;
                }
                example.command.push_str(line);
                let command = example.command.trim();
                if command.is_empty() || command.starts_with('#') {
                    continue;
                }
                example.exit_code = expected_exit_code(command);
                block.push(example);
            }
        }
    }
    assert!(current.is_none(), "the README ends inside a ```sh block");
    blocks
}

/// The code a `# exit code N` comment names; 0 without one.
fn expected_exit_code(command: &str) -> i32 {
    command
        .split_once("# exit code ")
        .and_then(|(_, rest)| rest.split(|c: char| !c.is_ascii_digit()).next())
        .and_then(|digits| digits.parse().ok())
        .unwrap_or(0)
}

fn copy_examples(to: &Path) {
    let from = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples");
    std::fs::create_dir(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
    }
}

/// A command in the folder's environment: the binary first on `PATH`, curl failing on HTTP errors, and no
/// `KETAPATH_*` variable from the caller.
fn command_in(dir: &Path, script: &str) -> Command {
    let mut command = Command::new("bash");
    command.args(["-c", script]).current_dir(dir);
    let path = format!("{}:{}", dir.join("bin").display(), std::env::var("PATH").unwrap_or_default());
    command.env("PATH", path).env("CURL_HOME", dir.join("curl"));
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("KETAPATH_") {
            command.env_remove(name);
        }
    }
    command
}

#[test]
fn every_readme_command_runs_as_the_readme_says() {
    let blocks = sh_blocks(README);
    let examples: usize = blocks.iter().map(Vec::len).sum();
    assert!(examples >= 10, "the README's sh blocks hold {examples} commands: {blocks:?}");

    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    copy_examples(&dir.join("examples"));
    std::fs::create_dir(dir.join("bin")).unwrap();
    std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_ketapath"), dir.join("bin").join("ketapath")).unwrap();
    std::fs::create_dir(dir.join("curl")).unwrap();
    std::fs::write(dir.join("curl").join(".curlrc"), "--fail\n--silent\n--show-error\n").unwrap();

    let port = free_port();
    let address = format!("127.0.0.1:{port}");
    let rewrite = |command: &str| {
        command.replace("cargo run --release -p ketapath --", "ketapath").replace("127.0.0.1:8080", &address)
    };
    let mut server: Option<Server> = None;
    let mut ran = 0;
    for block in &blocks {
        let mut script = String::new();
        for example in block {
            let command = rewrite(&example.command);
            if command.trim_start().starts_with("scripts/") {
                continue;
            }
            if command.trim_start().starts_with("ketapath serve") {
                assert!(server.is_none(), "README line {}: a second serve command", example.line);
                let log = std::fs::File::create(dir.join("serve.log")).unwrap();
                let child = command_in(dir, &format!("exec {command} --listen {address}"))
                    .stdout(Stdio::null())
                    .stderr(log)
                    .spawn()
                    .unwrap();
                let mut started = Server(child);
                wait_for(&mut started, port, "/readyz", 180);
                server = Some(started);
                ran += 1;
                continue;
            }
            let (line, expected) = (example.line, example.exit_code);
            let quoted = command.replace('\'', "'\\''");
            script.push_str(&format!(
                "{command}\nstatus=$?\nif [ \"$status\" -ne {expected} ]; then echo 'README line {line}: {quoted}' \
                 \"exited $status, expected {expected}\" >&2; exit 1; fi\n"
            ));
            ran += 1;
        }
        if script.is_empty() {
            continue;
        }
        let out = command_in(dir, &script).stdin(Stdio::null()).output().unwrap();
        let serve_log = std::fs::read_to_string(dir.join("serve.log")).unwrap_or_default();
        assert!(
            out.status.success(),
            "{}\nstdout:\n{}\nserve log:\n{serve_log}",
            String::from_utf8_lossy(&out.stderr),
            String::from_utf8_lossy(&out.stdout)
        );
    }
    assert!(server.is_some(), "the README shows no serve command");
    assert!(ran >= 10, "only {ran} commands ran");
}

#[test]
fn the_parser_joins_continued_lines_and_reads_exit_codes() {
    let readme = "text\n```sh\nketapath a \\\n  --b\n\n# a comment\necho x | ketapath c -   # exit code 2: why\n```\n\
                  ```json\n{}\n```\n```sh\nscripts/test\n```\n";
    let blocks = sh_blocks(readme);
    assert_eq!(blocks.len(), 2);
    assert_eq!(blocks[0].len(), 2);
    assert_eq!((blocks[0][0].line, blocks[0][0].command.as_str(), blocks[0][0].exit_code), (3, "ketapath a   --b", 0));
    assert_eq!(blocks[0][1].exit_code, 2);
    assert_eq!(blocks[1][0].command, "scripts/test");
}

/// The README and every document in docs/ (and each crate's README) are readable from a clone alone: none refers
/// to the shared folder the project was designed in, which a clone does not have.
#[test]
fn the_docs_refer_to_nothing_outside_the_repository() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut files = vec![root.join("README.md")];
    for dir in [root.join("docs"), root.join("crates")] {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let doc = if path.is_dir() { path.join("README.md") } else { path };
            if doc.extension().is_some_and(|e| e == "md") && doc.is_file() {
                files.push(doc);
            }
        }
    }
    assert!(files.len() >= 8, "README.md and docs/*.md: {files:?}");
    assert!(files.iter().any(|f| f.ends_with("docs/FORMATS.md")), "docs/FORMATS.md holds the contracts");
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        for outside in ["../shared", "shared/DESIGN", "reference/clinical.md"] {
            assert!(!text.contains(outside), "{} refers to {outside}, which a clone does not have", file.display());
        }
    }
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let next = &readme[readme.find("## Where to read next").unwrap()..];
    for doc in ["docs/FORMATS.md", "docs/OPERATIONS.md"] {
        assert!(next.contains(doc), "the README's \"Where to read next\" lists {doc}");
    }
}
