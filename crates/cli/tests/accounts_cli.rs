//! End to end: `ketapath user add` with the password on standard input, `ketapath token create` printing a token
//! that then works against the clinic API (through the router, no socket), and `ketapath token revoke` making it 401.

// Test helpers may unwrap: a panic there is a failed test with its cause.
#![allow(clippy::unwrap_used)]

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use ketapath_store::{ExposeSecret, OpenMode, Store};

const CSV: &str = "id,name,street,city,state,zip,lat,lon,phone,website,offers,payment,telehealth,languages,accepting_new_patients,rems_certified,last_verified\n\
c-1,Midtown Ketamine,1 W 34th St,New York,NY,10001,40.7484,-73.9857,212-555-0101,,iv_ketamine,self_pay,false,en,true,true,2026-10-01\n";

fn ketapath(dir: &Path, args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_ketapath"))
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
    assert!(verify.contains("audit chain intact"), "{verify}");
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
    assert!(verify.contains("audit chain intact"), "{verify}");
}
