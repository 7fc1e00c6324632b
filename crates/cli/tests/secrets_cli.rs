//! End to end: TOTP keys encrypted at rest with `KETAPATH_SECRET_KEY`. `user totp` seals the key it enrolls;
//! `secrets rotate` seals rows stored in plain text before the key was set and re-encrypts rows sealed with
//! `KETAPATH_OLD_SECRET_KEY`, audited once per account, changing nothing when a row opens with neither key; a
//! malformed key is refused naming the variable (exit 2); and `serve` warns at start when no key is set or a stored
//! key does not open. On SQLite, and on PostgreSQL when `KETAPATH_TEST_POSTGRES_URL` is set.

// Test helpers may unwrap: a panic there is a failed test with its cause.
#![allow(clippy::unwrap_used)]

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use ketapath_care::accounts::{SecretKey, TotpKeyRing};
use ketapath_store::domain::StaffId;
use ketapath_store::{ExposeSecret, OpenMode, Store};

const CSV: &str = "id,name,street,city,state,zip,lat,lon,phone,website,offers,payment,telehealth,languages,accepting_new_patients,rems_certified,last_verified\n\
c-1,Midtown Ketamine,1 W 34th St,New York,NY,10001,40.7484,-73.9857,212-555-0101,,iv_ketamine,self_pay,false,en,true,true,2026-10-01\n";

const OLD_KEY: &str = "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0";
const NEW_KEY: &str = "a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90";

/// Runs `ketapath` with exactly the secret keys given (none of the caller's environment).
fn ketapath(dir: &Path, args: &[&str], keys: &[(&str, &str)], stdin: &str) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_ketapath"));
    command
        .args(args)
        .current_dir(dir)
        .env_remove("KETAPATH_DATABASE_URL")
        .env_remove("KETAPATH_SECRET_KEY")
        .env_remove("KETAPATH_OLD_SECRET_KEY")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (name, value) in keys {
        command.env(name, value);
    }
    let mut child = command.spawn().unwrap();
    let mut input = child.stdin.take().unwrap();
    // A command that needs no input may exit before reading it; the closed pipe is not the test's failure.
    if let Err(e) = std::io::Write::write_all(&mut input, stdin.as_bytes()) {
        assert_eq!(e.kind(), std::io::ErrorKind::BrokenPipe, "writing the command's stdin: {e}");
    }
    drop(input);
    child.wait_with_output().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn exits(output: &Output, code: i32) -> String {
    assert_eq!(output.status.code(), Some(code), "stdout: {} stderr: {}", text(&output.stdout), text(&output.stderr));
    text(&output.stdout)
}

fn key(hex: &str) -> SecretKey {
    SecretKey::from_hex(hex).unwrap()
}

/// Every stored TOTP key, by account.
fn stored(db: &str) -> Vec<(StaffId, String)> {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    runtime.block_on(async {
        let store = Store::open(db, OpenMode::MustExist).await.unwrap();
        let keys = store.stored_totp_keys().await.unwrap();
        store.close().await;
        keys.into_iter().map(|(user, k)| (user, k.expose_stored().to_owned())).collect()
    })
}

/// The `staff_totp_key` audit events, one per account re-encrypted.
fn rotation_events(db: &str) -> usize {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    runtime.block_on(async {
        let store = Store::open(db, OpenMode::MustExist).await.unwrap();
        let audit = store.unscoped_for_admin_cli_and_tests().audit_events(1, i64::MAX).await.unwrap();
        store.close().await;
        audit.iter().filter(|e| e.entity == "staff_totp_key" && e.origin == "cli").count()
    })
}

/// Enrolls `email` with `user totp` under `keys` and returns the base32 key it printed.
fn enroll(dir: &Path, db: &str, email: &str, keys: &[(&str, &str)]) -> String {
    let out = exits(&ketapath(dir, &["user", "totp", "--email", email, "--db", db], keys, ""), 0);
    out.lines().nth(1).unwrap().to_owned()
}

fn rotation(dir: &Path, db: &str) {
    exits(&ketapath(dir, &["migrate", "--db", db], &[], ""), 0);
    std::fs::write(dir.join("c.csv"), CSV).unwrap();
    exits(&ketapath(dir, &["clinics", "import", "c.csv", "--db", db], &[], ""), 0);
    for (email, role) in [("rx@example.org", "prescriber"), ("nurse@example.org", "nurse")] {
        let add = ["user", "add", "--email", email, "--role", role, "--clinic", "c-1", "--db", db];
        exits(&ketapath(dir, &add, &[], "a long enough passphrase"), 0);
    }

    // Before a key is set, the key is stored as base32, as it always was.
    let rx_key = enroll(dir, db, "rx@example.org", &[]);
    assert_eq!(stored(db).iter().map(|(_, k)| k.as_str()).collect::<Vec<_>>(), [rx_key.as_str()]);

    // Without a new key, and with a malformed one, rotation refuses naming the variable, never echoing a value.
    let rotate = ["secrets", "rotate", "--db", db];
    let unset = ketapath(dir, &rotate, &[], "");
    exits(&unset, 2);
    assert!(text(&unset.stderr).contains("KETAPATH_SECRET_KEY"), "{}", text(&unset.stderr));
    for bad in ["nothexnothexnothex", &NEW_KEY[..62], &NEW_KEY.replace('a', "z")] {
        let refused = ketapath(dir, &rotate, &[("KETAPATH_SECRET_KEY", bad)], "");
        exits(&refused, 2);
        let stderr = text(&refused.stderr);
        assert!(stderr.contains("KETAPATH_SECRET_KEY: must be") && !stderr.contains(bad), "{stderr}");
    }
    let only_old = ketapath(dir, &rotate, &[("KETAPATH_OLD_SECRET_KEY", OLD_KEY)], "");
    exits(&only_old, 2);
    assert!(text(&only_old.stderr).contains("KETAPATH_OLD_SECRET_KEY is set without"), "{}", text(&only_old.stderr));

    // With the first key: the plain row is encrypted, and a new enrollment is sealed as it is written.
    let old = [("KETAPATH_SECRET_KEY", OLD_KEY)];
    let out = exits(&ketapath(dir, &rotate, &old, ""), 0);
    assert!(out.contains("re-encrypted 1 TOTP keys") && out.contains("1 were stored unencrypted"), "{out}");
    let nurse_key = enroll(dir, db, "nurse@example.org", &old);
    let sealed = stored(db);
    let ring = TotpKeyRing::new(Some(key(OLD_KEY)), None);
    let prefix = format!("v1:{}:", key(OLD_KEY).id());
    for (user, form) in &sealed {
        assert!(form.starts_with(&prefix) && !form.contains(&rx_key) && !form.contains(&nurse_key), "{form}");
        let opened = ring.open(*user, &form.as_str().into()).unwrap();
        assert!([&rx_key, &nurse_key].contains(&&opened.expose_secret().to_owned()));
    }
    let again = exits(&ketapath(dir, &rotate, &old, ""), 0);
    assert!(again.contains("re-encrypted 0 TOTP keys") && again.contains("2 already used it"), "{again}");
    assert_eq!(rotation_events(db), 1);

    // A new key without the old one cannot open the rows: nothing changes, exit 1 naming the accounts.
    let new_only = ketapath(dir, &rotate, &[("KETAPATH_SECRET_KEY", NEW_KEY)], "");
    exits(&new_only, 1);
    let stderr = text(&new_only.stderr);
    assert!(stderr.contains("2 TOTP keys could not be opened") && stderr.contains("nothing was changed"), "{stderr}");
    assert!(sealed.iter().all(|(user, _)| stderr.contains(&user.to_string())), "{stderr}");
    assert_eq!(stored(db), sealed);

    // The new key with the old one: both rows move to the new key and open to the same TOTP keys.
    let both = [("KETAPATH_SECRET_KEY", NEW_KEY), ("KETAPATH_OLD_SECRET_KEY", OLD_KEY)];
    let moved = exits(&ketapath(dir, &rotate, &both, ""), 0);
    assert!(
        moved.contains("re-encrypted 2 TOTP keys") && moved.contains("2 were encrypted with the old key"),
        "{moved}"
    );
    let ring = TotpKeyRing::new(Some(key(NEW_KEY)), None);
    let mut opened: Vec<String> = stored(db)
        .iter()
        .map(|(user, form)| {
            assert!(form.starts_with(&format!("v1:{}:", key(NEW_KEY).id())), "{form}");
            ring.open(*user, &form.as_str().into()).unwrap().expose_secret().to_owned()
        })
        .collect();
    opened.sort();
    let mut expected = vec![rx_key, nurse_key];
    expected.sort();
    assert_eq!(opened, expected);
    assert_eq!(rotation_events(db), 3, "one audit event per account re-encrypted");

    // A server started without the key says at start that those accounts cannot sign in with a code.
    let (running, stderr) = serve_start(dir, db, &[]);
    assert_eq!(running, None, "{stderr}");
    assert!(stderr.contains("2 accounts' TOTP keys do not open with the secret keys this server holds"), "{stderr}");
    let (running, stderr) = serve_start(dir, db, &[("KETAPATH_SECRET_KEY", NEW_KEY)]);
    assert!(running.is_none() && !stderr.contains("warning"), "{stderr}");

    let verify = exits(&ketapath(dir, &["audit", "verify", "--db", db], &[], ""), 0);
    assert!(verify.contains("audit chain platform intact"), "{verify}");
}

#[test]
fn secrets_rotate_encrypts_and_re_encrypts_totp_keys_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("k.db").display());
    rotation(dir.path(), &db);
}

#[test]
fn secrets_rotate_encrypts_and_re_encrypts_totp_keys_on_postgres() {
    let Some(pg) = ketapath_testkit::PgDatabase::create_blocking() else { return };
    let dir = tempfile::tempdir().unwrap();
    rotation(dir.path(), &pg.url);
}

/// The first lines `serve` writes on stderr, up to the one saying it serves (or until it exits).
fn serve_start(dir: &Path, db: &str, keys: &[(&str, &str)]) -> (Option<i32>, String) {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let mut command = Command::new(env!("CARGO_BIN_EXE_ketapath"));
    command
        .args(["serve", "--db", db, "--listen", &format!("127.0.0.1:{port}")])
        .current_dir(dir)
        .env_remove("KETAPATH_DATABASE_URL")
        .env_remove("KETAPATH_SECRET_KEY")
        .env_remove("KETAPATH_OLD_SECRET_KEY")
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    for (name, value) in keys {
        command.env(name, value);
    }
    let mut child = command.spawn().unwrap();
    let stderr = child.stderr.take().unwrap();
    let (send, lines) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let done = line.contains("KetaPath: serving");
            if send.send(line).is_err() || done {
                break;
            }
        }
    });
    let (mut seen, mut served) = (Vec::new(), false);
    loop {
        match lines.recv_timeout(Duration::from_secs(60)) {
            Ok(line) => {
                served = line.contains("KetaPath: serving");
                seen.push(line);
                if served {
                    break;
                }
            }
            Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => break,
            Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {
                child.kill().unwrap();
                panic!("serve neither served nor exited within 60 s: {}", seen.join("\n"));
            }
        }
    }
    // Serving: stopped here. Otherwise its stderr closed because it exited, with the code it exits with.
    let code = if served {
        child.kill().unwrap();
        child.wait().unwrap();
        None
    } else {
        child.wait().unwrap().code()
    };
    (code, seen.join("\n"))
}

#[test]
fn serve_refuses_a_malformed_key_and_warns_once_without_one() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("s.db").display());
    exits(&ketapath(dir.path(), &["migrate", "--db", &db], &[], ""), 0);

    let (code, stderr) = serve_start(dir.path(), &db, &[("KETAPATH_SECRET_KEY", "0123")]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("KETAPATH_SECRET_KEY: must be 32 bytes written as 64 hexadecimal digits"), "{stderr}");

    let (code, stderr) = serve_start(dir.path(), &db, &[]);
    assert_eq!(code, None, "serve kept running: {stderr}");
    let warning = "warning: KETAPATH_SECRET_KEY is not set, so TOTP keys are stored in the database unencrypted";
    assert_eq!(stderr.matches(warning).count(), 1, "{stderr}");
    assert!(stderr.contains("docs/OPERATIONS.md"), "{stderr}");

    let (code, stderr) = serve_start(dir.path(), &db, &[("KETAPATH_SECRET_KEY", NEW_KEY)]);
    assert_eq!(code, None, "serve kept running: {stderr}");
    assert!(!stderr.contains("warning"), "{stderr}");
}
