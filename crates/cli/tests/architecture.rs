//! Architecture invariants of docs/ARCHITECTURE.md, checked on every `cargo test`.
//!
//! These fail when someone breaks a rule the design depends on, instead of relying on review to notice.

// Test helpers may unwrap: a panic there is a failed test with its cause.
#![allow(clippy::unwrap_used)]

use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::process::Command;

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().unwrap()
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        if path.is_dir() {
            if !name.starts_with('.') && !name.starts_with("target") && name != "node_modules" {
                rust_files(&path, out);
            }
        } else if name.ends_with(".rs") {
            out.push(path);
        }
    }
}

fn workspace_rust_files() -> Vec<PathBuf> {
    let mut files = Vec::new();
    rust_files(&workspace_root().join("crates"), &mut files);
    files
}

/// Architecture invariant: every Rust file starts with a `//!` line saying what it is for.
#[test]
fn every_rust_file_starts_with_a_module_doc_line() {
    let files = workspace_rust_files();
    assert!(files.len() > 10, "expected the workspace's Rust files, found {}", files.len());
    let offenders: Vec<String> = files
        .iter()
        .filter(|f| !std::fs::read_to_string(f).unwrap().starts_with("//!"))
        .map(|f| f.display().to_string())
        .collect();
    assert!(offenders.is_empty(), "files without a leading //! line:\n{}", offenders.join("\n"));
}

/// Architecture invariant: only `ketapath-store` writes SQL (outside integration tests).
#[test]
fn only_the_store_writes_sql() {
    let sql = ["SELECT ", "INSERT INTO", "UPDATE ", "DELETE FROM", "CREATE TABLE"];
    let root = workspace_root().join("crates");
    let offenders: Vec<String> = workspace_rust_files()
        .into_iter()
        // Integration tests may tamper with a database on purpose through the store's named bypass
        // (`UnscopedAdminHandle::execute_raw_sql`), so only library and binary code is held to the rule.
        .filter(|f| !f.starts_with(root.join("store")) && !f.components().any(|c| c.as_os_str() == "tests"))
        .filter(|f| {
            let text = std::fs::read_to_string(f).unwrap();
            text.lines().any(|line| {
                let code = line.trim_start();
                !code.starts_with("//") && sql.iter().any(|kw| code.contains(&format!("\"{kw}")))
            })
        })
        .map(|f| f.display().to_string())
        .collect();
    assert!(offenders.is_empty(), "SQL outside ketapath-store:\n{}", offenders.join("\n"));
}

/// Resolved normal (non-dev, non-build) dependencies of each workspace package, transitively.
fn transitive_normal_dependencies() -> HashMap<String, BTreeSet<String>> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let output =
        Command::new(cargo).args(["metadata", "--format-version", "1"]).current_dir(workspace_root()).output().unwrap();
    assert!(output.status.success(), "cargo metadata failed: {}", String::from_utf8_lossy(&output.stderr));
    let meta: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let name_of: HashMap<String, String> = meta["packages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["id"].as_str().unwrap().to_owned(), p["name"].as_str().unwrap().to_owned()))
        .collect();
    let mut edges: HashMap<String, Vec<String>> = HashMap::new();
    for node in meta["resolve"]["nodes"].as_array().unwrap() {
        let id = node["id"].as_str().unwrap().to_owned();
        let deps = node["deps"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["dep_kinds"].as_array().unwrap().iter().any(|k| k["kind"].is_null()))
            .map(|d| d["pkg"].as_str().unwrap().to_owned())
            .collect();
        edges.insert(id, deps);
    }
    let mut result = HashMap::new();
    for member in meta["workspace_members"].as_array().unwrap() {
        let member = member.as_str().unwrap();
        let mut seen = HashSet::new();
        let mut stack = vec![member.to_owned()];
        while let Some(id) = stack.pop() {
            for dep in edges.get(&id).into_iter().flatten() {
                if seen.insert(dep.clone()) {
                    stack.push(dep.clone());
                }
            }
        }
        result.insert(name_of[member].clone(), seen.iter().map(|id| name_of[id].clone()).collect());
    }
    result
}

/// Architecture invariant: `ketapath-clinical`, `ketapath-directory` and `ketapath-research` depend on no database, HTTP or async runtime crate.
#[test]
fn pure_crates_depend_on_no_io_crates() {
    let forbidden = [
        "sqlx",
        "sqlx-core",
        "rusqlite",
        "libsqlite3-sys",
        "tokio",
        "async-std",
        "axum",
        "hyper",
        "reqwest",
        "tower",
        "tower-http",
        "http",
        "mio",
        "postgres",
        "tokio-postgres",
    ];
    let deps = transitive_normal_dependencies();
    // The walk must see real edges, or the check below would pass vacuously.
    assert!(
        deps["ketapath-clinical"].contains("serde"),
        "dependency walk found nothing: {:?}",
        deps["ketapath-clinical"]
    );
    assert!(deps["ketapath"].contains("clap"));
    for krate in ["ketapath-clinical", "ketapath-directory", "ketapath-research"] {
        let found: Vec<&String> = deps[krate].iter().filter(|d| forbidden.contains(&d.as_str())).collect();
        assert!(found.is_empty(), "{krate} depends on I/O crates: {found:?}");
    }
}

/// Architecture invariant: arrows point down only: `ketapath` -> `ketapath-web` -> `ketapath-care` -> `ketapath-store`
/// -> (the pure crates). The pure crates never depend on the store, care, web or CLI crates.
#[test]
fn dependencies_point_down() {
    let deps = transitive_normal_dependencies();
    for (krate, banned) in [
        (
            "ketapath-clinical",
            vec!["ketapath-directory", "ketapath-store", "ketapath-care", "ketapath-web", "ketapath"],
        ),
        (
            "ketapath-directory",
            vec!["ketapath-clinical", "ketapath-store", "ketapath-care", "ketapath-web", "ketapath"],
        ),
        (
            "ketapath-research",
            vec!["ketapath-directory", "ketapath-store", "ketapath-care", "ketapath-web", "ketapath"],
        ),
        ("ketapath-store", vec!["ketapath-care", "ketapath-web", "ketapath"]),
        ("ketapath-care", vec!["ketapath-web", "ketapath"]),
    ] {
        for b in banned {
            assert!(!deps[krate].contains(b), "{krate} must not depend on {b}");
        }
    }
}

/// Architecture invariant: the application layer knows no HTTP. `ketapath-care` holds the use cases (the treatment
/// workflow and its gates, accounts, clinic time, the directory refresher, the registry cache, demo data); nothing in
/// its dependency closure is an HTTP server, client or template crate, so a use case cannot reach for a request,
/// a status code or a page.
#[test]
fn care_depends_on_no_http_crate() {
    let forbidden = ["axum", "axum-core", "hyper", "hyper-util", "tower", "tower-http", "http", "http-body", "askama"];
    let deps = transitive_normal_dependencies();
    // The walk must see the store (and through it the database driver), or the check would pass vacuously.
    assert!(deps["ketapath-care"].contains("ketapath-store") && deps["ketapath-care"].contains("sqlx"));
    assert!(deps["ketapath-web"].contains("axum"), "the web crate is the one that knows HTTP");
    let found: Vec<&String> = deps["ketapath-care"].iter().filter(|d| forbidden.contains(&d.as_str())).collect();
    assert!(found.is_empty(), "ketapath-care depends on HTTP crates: {found:?}");
}

/// Architecture invariant: the CLI reaches accounts, TOTP and the demo data through `ketapath-care`; it names
/// `ketapath-web` only to serve it (`commands/serve.rs`), never for a use case.
#[test]
fn the_cli_uses_web_only_to_serve() {
    let root = workspace_root().join("crates/cli/src");
    let mut files = Vec::new();
    rust_files(&root, &mut files);
    assert!(files.len() > 5, "expected the CLI's sources, found {}", files.len());
    let offenders: Vec<String> = files
        .iter()
        .filter(|f| !f.ends_with("commands/serve.rs"))
        .filter(|f| std::fs::read_to_string(f).unwrap().contains("ketapath_web"))
        .map(|f| f.display().to_string())
        .collect();
    assert!(offenders.is_empty(), "CLI files using ketapath-web outside serve:\n{}", offenders.join("\n"));
    let serve = std::fs::read_to_string(root.join("commands/serve.rs")).unwrap();
    for use_case in ["ketapath_web::auth", "ketapath_web::demo", "ketapath_web::totp", "ketapath_web::treatment"] {
        assert!(!serve.contains(use_case), "serve.rs reaches a use case through the web crate: {use_case}");
    }
}

/// Architecture invariant: the store's `test-support` feature (`UnscopedAdminHandle::execute_raw_sql`, and
/// `Store::insert_synthetic_research_for_benchmarks`, which writes without audit events) is enabled only by
/// dev-dependencies, never by a normal or build dependency nor by default, so the `ketapath` binary and the web
/// server never contain those helpers. Cargo's resolver keeps dev-dependency features out of normal builds.
#[test]
fn store_test_support_is_enabled_only_by_dev_dependencies() {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let output = Command::new(cargo)
        .args(["metadata", "--format-version", "1", "--no-deps"])
        .current_dir(workspace_root())
        .output()
        .unwrap();
    assert!(output.status.success(), "cargo metadata failed: {}", String::from_utf8_lossy(&output.stderr));
    let meta: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let packages = meta["packages"].as_array().unwrap();
    let store = packages.iter().find(|p| p["name"] == "ketapath-store").unwrap();
    assert!(store["features"]["test-support"].is_array(), "ketapath-store declares no test-support feature");
    let default: Vec<&str> = store["features"]["default"]
        .as_array()
        .map(|d| d.iter().filter_map(|f| f.as_str()).collect())
        .unwrap_or_default();
    assert!(!default.iter().any(|f| f.contains("test-support")), "test-support is a default feature: {default:?}");
    let (mut normal_edges, mut dev_edges_with_feature) = (0, 0);
    let mut offenders = Vec::new();
    for package in packages {
        for dep in package["dependencies"].as_array().unwrap() {
            if dep["name"] != "ketapath-store" {
                continue;
            }
            let enables = dep["features"].as_array().unwrap().iter().any(|f| f == "test-support");
            match dep["kind"].as_str() {
                Some("dev") => dev_edges_with_feature += usize::from(enables),
                kind => {
                    normal_edges += 1;
                    if enables {
                        offenders.push(format!("{} ({})", package["name"], kind.unwrap_or("normal")));
                    }
                }
            }
        }
    }
    // The walk must see real edges of both kinds, or the check would pass vacuously.
    assert!(normal_edges >= 2, "expected the web and CLI crates to depend on the store, found {normal_edges}");
    assert!(dev_edges_with_feature >= 1, "expected test code to enable test-support");
    assert!(offenders.is_empty(), "test-support enabled by a non-dev dependency: {offenders:?}");
}

/// Architecture invariant: only `ketapath-testkit` creates (and drops) throw-away databases, so every test follows
/// one skip policy and every database is dropped with FORCE, even after a panic.
#[test]
fn only_the_testkit_creates_databases() {
    let root = workspace_root().join("crates");
    // The store's own product code creates the database named in a URL (`OpenMode::CreateIfMissing`, through
    // sqlx's `create_database`): that is the product's contract for `ketapath migrate`, not a throw-away database.
    // This file names what it looks for.
    let allowed = [root.join("testkit"), root.join("store/src/store.rs"), root.join("cli/tests/architecture.rs")];
    let needles = ["create database", "drop database", "create_database("];
    let files = workspace_rust_files();
    assert!(files.iter().any(|f| f.starts_with(root.join("testkit"))), "the walk must see the kit itself");
    let offenders: Vec<String> = files
        .into_iter()
        .filter(|f| !allowed.iter().any(|a| f.starts_with(a)))
        .filter(|f| {
            let text = std::fs::read_to_string(f).unwrap().to_lowercase();
            needles.iter().any(|needle| text.contains(needle))
        })
        .map(|f| f.display().to_string())
        .collect();
    assert!(
        offenders.is_empty(),
        "files that create or drop databases outside crates/testkit (use ketapath_testkit::PgDatabase or TestDb):\n{}",
        offenders.join("\n")
    );
}
