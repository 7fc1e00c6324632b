//! End to end: `ketapath user add` with the password on standard input, `ketapath token create` printing a token
//! that then works against the clinic API (through the router, no socket), and `ketapath token revoke` making it 401;
//! the staff lifecycle (`user list`, `user deactivate`, `user activate`, `user reset-password`, `user set-role`,
//! `token list`, `token create --expires-in`), and the audit log's heads (`audit head`, `audit verify
//! --expect-head`, `KETAPATH_AUDIT_KEY`).

// Test helpers may unwrap: a panic there is a failed test with its cause.
#![allow(clippy::unwrap_used)]

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use ketapath_store::{ExposeSecret, OpenMode, Store};
use time::format_description::well_known::Rfc3339;

const CSV: &str = "id,name,street,city,state,zip,lat,lon,phone,website,offers,payment,telehealth,languages,accepting_new_patients,rems_certified,last_verified\n\
c-1,Midtown Ketamine,1 W 34th St,New York,NY,10001,40.7484,-73.9857,212-555-0101,,iv_ketamine,self_pay,false,en,true,true,2026-10-01\n";

fn ketapath(dir: &Path, args: &[&str], stdin: Option<&str>) -> Output {
    ketapath_with_key(dir, args, stdin, None)
}

/// As [`ketapath`], with `KETAPATH_AUDIT_KEY` set to `audit_key` (or removed).
fn ketapath_with_key(dir: &Path, args: &[&str], stdin: Option<&str>, audit_key: Option<&str>) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_ketapath"));
    match audit_key {
        Some(key) => command.env("KETAPATH_AUDIT_KEY", key),
        None => command.env_remove("KETAPATH_AUDIT_KEY"),
    };
    let mut child = command
        .args(args)
        .current_dir(dir)
        .env_remove("KETAPATH_DATABASE_URL")
        // Without a secret key, as the stored forms checked below assume.
        .env_remove("KETAPATH_SECRET_KEY")
        .env_remove("KETAPATH_OLD_SECRET_KEY")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    // A command may refuse its arguments (or need no input) and exit before it reads stdin; the write then meets a
    // closed pipe, which is not the test's failure: what the command printed and its exit code are checked below.
    if let Err(e) = input.write_all(stdin.unwrap_or_default().as_bytes()) {
        assert_eq!(e.kind(), std::io::ErrorKind::BrokenPipe, "writing the command's stdin: {e}");
    }
    drop(input);
    child.wait_with_output().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn ok(output: &Output) -> String {
    assert_eq!(output.status.code(), Some(0), "stderr: {}", text(&output.stderr));
    text(&output.stdout)
}

fn invalid(output: &Output, needle: &str) {
    assert_eq!(output.status.code(), Some(2), "stdout: {} stderr: {}", text(&output.stdout), text(&output.stderr));
    assert!(text(&output.stderr).contains(needle), "{needle} in {}", text(&output.stderr));
}

async fn get_patients(store: Store, token: &str) -> axum::http::StatusCode {
    use tower::ServiceExt;
    let app = ketapath_web::app(ketapath_web::AppState::load(Default::default(), store).await.unwrap());
    let request = axum::http::Request::builder()
        .uri("/api/v1/patients")
        .header("authorization", format!("Bearer {token}"))
        .body(axum::body::Body::empty())
        .unwrap();
    app.oneshot(request).await.unwrap().status()
}

#[test]
fn users_and_tokens_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("k.db");
    let db = format!("sqlite://{}", path.display());
    ok(&ketapath(dir.path(), &["migrate", "--db", &db], None));
    std::fs::write(dir.path().join("c.csv"), CSV).unwrap();
    ok(&ketapath(dir.path(), &["clinics", "import", "c.csv", "--db", &db], None));

    let password = "a long enough passphrase";
    let add = ["user", "add", "--email", "Nurse@Example.org", "--role", "nurse", "--clinic", "c-1", "--db", &db];
    let out = ok(&ketapath(dir.path(), &add, Some(&format!("{password}\n"))));
    assert!(out.contains("nurse@example.org") && out.contains("c-1"), "{out}");
    assert!(!out.contains(password));

    // Role and clinic must agree; a clinic must exist; the password must be given, long enough and hard to guess.
    let base =
        |role: &'static str| vec!["user", "add", "--email", "x@example.org", "--role", role, "--db", db.as_str()];
    invalid(&ketapath(dir.path(), &base("nurse"), Some(password)), "--clinic");
    let mut admin_with_clinic = base("platform_admin");
    admin_with_clinic.extend(["--clinic", "c-1"]);
    invalid(&ketapath(dir.path(), &admin_with_clinic, Some(password)), "--clinic");
    let mut unknown_clinic = base("prescriber");
    unknown_clinic.extend(["--clinic", "c-404"]);
    invalid(&ketapath(dir.path(), &unknown_clinic, Some(password)), "--clinic c-404: no clinic has this listing id");
    // An unknown role is named in lower case with the roles to use instead.
    invalid(
        &ketapath(dir.path(), &base("doctor"), Some(password)),
        "--role: unknown role \"doctor\": use one of platform_admin, clinic_admin, prescriber, nurse, researcher",
    );
    let mut blank_name = base("researcher");
    blank_name.extend(["--name", "\u{200B}\u{2800}"]);
    invalid(&ketapath(dir.path(), &blank_name, Some(password)), "--name: must show a visible character");
    invalid(&ketapath(dir.path(), &base("researcher"), Some("")), "password");
    invalid(&ketapath(dir.path(), &base("researcher"), Some("short\n")), "at least 12 characters");
    // Long enough but common or guessable (issue 16): refused, saying what to choose instead.
    for weak in ["aaaaaaaaaaaa\n", "password1234\n"] {
        invalid(&ketapath(dir.path(), &base("researcher"), Some(weak)), "too easy to guess");
        invalid(&ketapath(dir.path(), &base("researcher"), Some(weak)), "several unrelated words");
    }
    invalid(&ketapath(dir.path(), &add, Some(password)), "email");
    ok(&ketapath(dir.path(), &base("researcher"), Some(password)));

    let runtime = tokio::runtime::Runtime::new().unwrap();
    let stored = runtime.block_on(async {
        let store = Store::open(&db, OpenMode::MustExist).await.unwrap();
        store.staff_user_by_email("nurse@example.org").await.unwrap().unwrap()
    });
    let phc = stored.password_hash.unwrap();
    let phc = phc.expose_secret();
    assert!(phc.starts_with("$argon2id$"), "{phc}");
    assert!(ketapath_care::accounts::password::verify_password(password, phc));

    let created = ketapath(dir.path(), &["token", "create", "--email", "nurse@example.org", "--db", &db], None);
    let token = ok(&created).trim().to_owned();
    assert!(token.starts_with("kp_") && token.len() > 40, "{token}");
    let notice = text(&created.stderr);
    let id =
        notice.split("--id ").nth(1).unwrap().trim_end_matches(|c: char| c == '`' || c == ')' || c.is_whitespace());
    invalid(&ketapath(dir.path(), &["token", "create", "--email", "nobody@example.org", "--db", &db], None), "--email");

    // The token is stored only as its hash, and it works against the API.
    let raw = std::fs::read(&path).unwrap();
    assert!(!raw.windows(token.len()).any(|w| w == token.as_bytes()), "the secret is not in the database file");
    assert_eq!(runtime.block_on(get_patients(runtime.block_on(open(&db)), &token)), axum::http::StatusCode::OK);

    let out = ok(&ketapath(dir.path(), &["token", "revoke", "--id", id, "--db", &db], None));
    assert!(out.contains("revoked"), "{out}");
    let again = ok(&ketapath(dir.path(), &["token", "revoke", "--id", id, "--db", &db], None));
    assert!(again.contains("already revoked"), "{again}");
    invalid(&ketapath(dir.path(), &["token", "revoke", "--id", "nope", "--db", &db], None), "--id");
    assert_eq!(
        runtime.block_on(get_patients(runtime.block_on(open(&db)), &token)),
        axum::http::StatusCode::UNAUTHORIZED
    );

    let verify = ok(&ketapath(dir.path(), &["audit", "verify", "--db", &db], None));
    assert!(verify.contains("audit chain platform intact"), "{verify}");
}

async fn open(db: &str) -> Store {
    Store::open(db, OpenMode::MustExist).await.unwrap()
}

#[test]
fn second_factor_enrollment_and_the_clinic_requirement_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("k.db").display());
    ok(&ketapath(dir.path(), &["migrate", "--db", &db], None));
    std::fs::write(dir.path().join("c.csv"), CSV).unwrap();
    ok(&ketapath(dir.path(), &["clinics", "import", "c.csv", "--db", &db], None));
    let add = ["user", "add", "--email", "rx@example.org", "--role", "prescriber", "--clinic", "c-1", "--db", &db];
    ok(&ketapath(dir.path(), &add, Some("a long enough passphrase")));

    let out = ok(&ketapath(dir.path(), &["user", "require-totp", "--clinic", "c-1", "on", "--db", &db], None));
    assert!(out.contains("now required"), "{out}");
    invalid(
        &ketapath(dir.path(), &["user", "require-totp", "--clinic", "c-404", "on", "--db", &db], None),
        "--clinic c-404: no clinic has this listing id",
    );
    let enrolled = ok(&ketapath(dir.path(), &["user", "totp", "--email", "rx@example.org", "--db", &db], None));
    let mut lines = enrolled.lines();
    let uri = lines.next().unwrap();
    let secret = lines.next().unwrap();
    assert!(uri.starts_with("otpauth://totp/KetaPath:rx%40example%2Eorg?secret=") && uri.contains(secret), "{uri}");
    invalid(&ketapath(dir.path(), &["user", "totp", "--email", "nobody@example.org", "--db", &db], None), "--email");

    let runtime = tokio::runtime::Runtime::new().unwrap();
    let account = runtime.block_on(async {
        let store = open(&db).await;
        let account = store.sign_in_account("rx@example.org").await.unwrap().unwrap();
        store.close().await;
        account
    });
    assert!(account.clinic_requires_totp && account.needs_totp());
    assert_eq!(account.totp.map(|t| (t.key.expose_stored().to_owned(), t.enabled)), Some((secret.to_owned(), true)));

    ok(&ketapath(dir.path(), &["user", "totp", "--email", "rx@example.org", "--off", "--db", &db], None));
    ok(&ketapath(dir.path(), &["user", "require-totp", "--clinic", "c-1", "off", "--db", &db], None));
    let account = runtime.block_on(async { open(&db).await.sign_in_account("rx@example.org").await.unwrap().unwrap() });
    assert!(!account.needs_totp() && account.totp.is_none());
    let verify = ok(&ketapath(dir.path(), &["audit", "verify", "--db", &db], None));
    assert!(verify.contains("audit chain platform intact"), "{verify}");
}

/// A database with the clinic `c-1`, a nurse and a prescriber there (password `a long enough passphrase`).
fn clinic_with_staff(dir: &Path) -> String {
    let db = format!("sqlite://{}", dir.join("k.db").display());
    ok(&ketapath(dir, &["migrate", "--db", &db], None));
    std::fs::write(dir.join("c.csv"), CSV).unwrap();
    ok(&ketapath(dir, &["clinics", "import", "c.csv", "--db", &db], None));
    for (email, role) in [("nurse@example.org", "nurse"), ("rx@example.org", "prescriber")] {
        let add = ["user", "add", "--email", email, "--role", role, "--clinic", "c-1", "--db", &db];
        ok(&ketapath(dir, &add, Some("a long enough passphrase")));
    }
    db
}

fn json(output: &Output) -> serde_json::Value {
    serde_json::from_str(&ok(output)).unwrap()
}

#[test]
fn an_administrator_closes_an_account_in_one_command() {
    let dir = tempfile::tempdir().unwrap();
    let db = clinic_with_staff(dir.path());
    let run = |args: &[&str], stdin: Option<&str>| {
        let mut all = args.to_vec();
        all.extend(["--db", db.as_str()]);
        ketapath(dir.path(), &all, stdin)
    };
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let status = |token: &str| runtime.block_on(get_patients(runtime.block_on(open(&db)), token));

    // A token lives 90 days by default, and is listed with its dates.
    let created = run(&["token", "create", "--email", "nurse@example.org"], None);
    let token = ok(&created).trim().to_owned();
    assert!(text(&created.stderr).contains("expiring"), "{}", text(&created.stderr));
    assert_eq!(status(&token), axum::http::StatusCode::OK);
    let tokens = json(&run(&["token", "list", "--email", "nurse@example.org", "--json"], None));
    let first = &tokens.as_array().unwrap()[0];
    for field in ["id", "name", "created_at", "last_used_at", "expires_at"] {
        assert!(first.get(field).is_some_and(|v| !v.is_null()), "{field} in {first}");
    }
    let created_at = time::OffsetDateTime::parse(first["created_at"].as_str().unwrap(), &Rfc3339).unwrap();
    let expires_at = time::OffsetDateTime::parse(first["expires_at"].as_str().unwrap(), &Rfc3339).unwrap();
    let off = expires_at - created_at - time::Duration::days(90);
    assert!(off.abs() < time::Duration::minutes(1), "{created_at} {expires_at}");
    let table = ok(&run(&["token", "list", "--email", "nurse@example.org"], None));
    assert!(table.starts_with("ID") && table.contains("live"), "{table}");
    for (bad, needle) in [("0d", "--expires-in"), ("731d", "from 1d to 730d"), ("3w", "Nd")] {
        invalid(&run(&["token", "create", "--email", "nurse@example.org", "--expires-in", bad], None), needle);
    }
    ok(&run(&["token", "create", "--email", "nurse@example.org", "--expires-in", "730d"], None));

    // The account list, as a table and as JSON.
    let accounts = json(&run(&["user", "list", "--json"], None));
    let accounts = accounts.as_array().unwrap();
    assert_eq!(accounts.len(), 2);
    let nurse = &accounts[0];
    assert_eq!(
        (&nurse["email"], &nurse["role"], &nurse["clinic"], &nurse["active"], &nurse["totp"]),
        (&"nurse@example.org".into(), &"nurse".into(), &"c-1".into(), &true.into(), &false.into())
    );
    assert!(ok(&run(&["user", "list", "--clinic", "c-1"], None)).contains("rx@example.org"));
    invalid(&run(&["user", "list", "--clinic", "c-404"], None), "--clinic c-404: no clinic has this listing id");

    // Deactivation: the token answers 401 at once, and after reactivation too.
    invalid(
        &run(&["user", "deactivate", "--email", "nobody@example.org"], None),
        "--email nobody@example.org: unknown",
    );
    assert!(ok(&run(&["user", "deactivate", "--email", "nurse@example.org"], None)).contains("deactivated"));
    assert_eq!(status(&token), axum::http::StatusCode::UNAUTHORIZED);
    let accounts = json(&run(&["user", "list", "--json", "--clinic", "c-1"], None));
    assert_eq!(accounts[0]["active"], false);
    invalid(&run(&["token", "create", "--email", "nurse@example.org"], None), "not active");
    ok(&run(&["user", "activate", "--email", "nurse@example.org"], None));
    assert_eq!(status(&token), axum::http::StatusCode::UNAUTHORIZED);

    // A password reset reads standard input, with the rules of `user add`.
    let reset = ["user", "reset-password", "--email", "nurse@example.org"];
    invalid(&run(&reset, Some("aaaaaaaaaaaa\n")), "too easy to guess");
    invalid(&run(&reset, Some("short\n")), "at least 12 characters");
    ok(&run(&reset, Some("another long passphrase here\n")));
    let hash = runtime.block_on(async { open(&db).await.staff_user_by_email("nurse@example.org").await.unwrap() });
    let hash = hash.unwrap().password_hash.unwrap();
    assert!(ketapath_care::accounts::password::verify_password("another long passphrase here", hash.expose_secret()));

    // Role changes, with the rules of `user add`; an unknown role lists the valid ones.
    let set_role = |role: &'static str, clinic: Option<&'static str>| {
        let mut args = vec!["user", "set-role", "--email", "nurse@example.org", "--role", role];
        args.extend(clinic.map(|c| ["--clinic", c]).into_iter().flatten());
        run(&args, None)
    };
    assert!(ok(&set_role("prescriber", Some("c-1"))).contains("is now prescriber at clinic c-1"));
    invalid(&set_role("wizard", None), "platform_admin, clinic_admin, prescriber, nurse, researcher");
    invalid(&set_role("researcher", Some("c-1")), "--clinic");
    invalid(&set_role("nurse", None), "--clinic");
    invalid(&set_role("nurse", Some("c-404")), "--clinic c-404: no clinic has this listing id");

    // A clinic that requires TOTP gives tokens only to users with TOTP enrolled.
    ok(&run(&["user", "require-totp", "--clinic", "c-1", "on"], None));
    invalid(&run(&["token", "create", "--email", "rx@example.org"], None), "requires a second factor");
    ok(&run(&["user", "totp", "--email", "rx@example.org"], None));
    ok(&run(&["token", "create", "--email", "rx@example.org"], None));

    // Each change is audited as a platform event from the command line.
    let events = runtime.block_on(async {
        open(&db).await.unscoped_for_admin_cli_and_tests().audit_events(1, i64::MAX).await.unwrap()
    });
    for action in ["deactivate", "activate", "password_reset", "role_change"] {
        let event = events.iter().find(|e| e.action == action).unwrap_or_else(|| panic!("{action} is audited"));
        assert_eq!((event.origin.as_str(), event.clinic_id.as_deref()), ("cli", None), "{action}");
    }
    assert!(ok(&run(&["audit", "verify"], None)).contains("audit chain platform intact"));
}

#[test]
fn a_recorded_head_and_the_audit_key_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let db = clinic_with_staff(dir.path());
    let run = |args: &[&str], key: Option<&str>| {
        let mut all = args.to_vec();
        all.extend(["--db", db.as_str()]);
        ketapath_with_key(dir.path(), &all, None, key)
    };
    // One line per chain: the clinic's (its two accounts) and the platform's (the listing import).
    let head = ok(&run(&["audit", "head"], None));
    let lines: Vec<Vec<&str>> = head.lines().map(|l| l.split(' ').collect()).collect();
    assert_eq!(lines.iter().map(|p| p[0]).collect::<Vec<_>>(), ["clinic:c-1", "platform"], "{head}");
    assert!(lines.iter().all(|p| p.len() == 3 && p[2].len() == 64), "{head}");
    let parts = lines[0].clone();
    assert!(parts[1].parse::<u64>().unwrap() >= 2, "{head}");
    let heads = json(&run(&["audit", "head", "--json"], None));
    assert_eq!(
        heads[0],
        serde_json::json!({"chain": "clinic:c-1", "seq": parts[1].parse::<u64>().unwrap(), "hash": parts[2]})
    );
    let recorded = parts.join(":");

    // More events later: the recorded head is still reached.
    ok(&run(&["user", "deactivate", "--email", "nurse@example.org"], None));
    let verify = ok(&run(&["audit", "verify", "--expect-head", &recorded], None));
    assert!(verify.contains("reaches the recorded head"), "{verify}");
    // A head the log does not reach (as after restoring an older backup) fails with exit 1, saying why.
    let ahead = format!("clinic:c-1:{}:{}", parts[1].parse::<u64>().unwrap() + 50, parts[2]);
    let out = run(&["audit", "verify", "--expect-head", &ahead], None);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("chain clinic:c-1 was truncated"), "{}", text(&out.stdout));
    let other = format!("clinic:c-1:{}:{}", parts[1], "0".repeat(64));
    let out = run(&["audit", "verify", "--expect-head", &recorded, "--expect-head", &other], None);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stdout).contains("chain clinic:c-1 was rewritten"), "{}", text(&out.stdout));
    invalid(&run(&["audit", "verify", "--expect-head", "global:1"], None), "--expect-head");
    invalid(&run(&["audit", "verify", "--expect-head", &format!("clinic-1:1:{}", parts[2])], None), "global");

    // With a key, new events are keyed; verifying them needs the key.
    let key = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
    invalid(&run(&["audit", "head"], Some("not-a-key")), "KETAPATH_AUDIT_KEY");
    ok(&run(&["user", "activate", "--email", "nurse@example.org"], Some(key)));
    let verify = ok(&run(&["audit", "verify"], Some(key)));
    assert!(verify.contains("audit chain platform intact") && verify.contains("keyed from event"), "{verify}");
    let out = run(&["audit", "verify"], None);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stdout).contains("set KETAPATH_AUDIT_KEY"), "{}", text(&out.stdout));
}
