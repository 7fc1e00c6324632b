//! The audit log proves its end: heads recorded outside the database detect a cut tail or a rewrite, and with an
//! audit key a database-only attacker cannot relink a rewritten event with recomputed plain hashes.

// Test helpers outside #[test] functions may unwrap and print too: a panic there is a failed test.
#![allow(clippy::unwrap_used, clippy::print_stdout)]

mod common;

use common::{TestDb, clinic, staff, test_options};
use ketapath_store::domain::Role;
use ketapath_store::{
    AuditKey, BackendKind, ChainHead, DatabaseUrl, GENESIS_HASH, ListingAuthor, OpenMode, Store, StoreOptions,
};
use ketapath_testkit::on_both_backends;

const KEY: &str = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
const OTHER_KEY: &str = "ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100";

/// `n` audit events (one clinic, then nurses), written through `store`.
async fn events(store: &Store, first: bool, n: usize, tag: &str) {
    if first {
        store.upsert_clinics(&[clinic("a", 1.0, 1.0)], ListingAuthor::AdminCli).await.unwrap();
    }
    for i in 0..n {
        staff(store, Some("a"), Role::Nurse, &format!("n{i}-{tag}@a.example")).await;
    }
}

/// A second handle on the test's database, holding `key` as its audit key.
async fn keyed(db: &TestDb, key: &str) -> Store {
    let url = DatabaseUrl::parse(&db.url_text()).unwrap();
    let options = StoreOptions { audit_key: Some(AuditKey::from_hex(key).unwrap()), ..test_options() };
    Store::open_with(&url, OpenMode::MustExist, options).await.unwrap()
}

async fn disable_triggers(db: &TestDb) {
    let admin = db.store.unscoped_for_admin_cli_and_tests();
    let sql: &[&str] = match db.store.kind() {
        BackendKind::Sqlite => &["DROP TRIGGER audit_events_no_update", "DROP TRIGGER audit_events_no_delete"],
        BackendKind::Postgres => &["ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update_delete"],
    };
    for statement in sql {
        admin.execute_raw_sql(statement).await.unwrap();
    }
}

/// The head of `chain` among `heads`.
fn head(heads: &[ChainHead], chain: &str) -> ChainHead {
    heads.iter().find(|h| h.chain == chain).cloned().unwrap_or_else(|| panic!("no head of {chain} in {heads:?}"))
}

async fn truncation_is_detected_against_a_recorded_head(db: &TestDb) {
    let store = &db.store;
    let empty = store.audit_heads().await.unwrap();
    assert_eq!(empty, vec![ChainHead { chain: "platform".to_owned(), seq: 0, hash: GENESIS_HASH.to_owned() }]);
    events(store, true, 4, "x").await;
    let early = store.audit_heads().await.unwrap();
    assert_eq!(head(&early, "clinic:a").seq, 4);
    events(store, false, 2, "y").await;
    // Clinic b writes too: its chain is recorded with the others, and cutting clinic a's tail leaves it alone.
    store.upsert_clinics(&[clinic("b", 2.0, 2.0)], ListingAuthor::AdminCli).await.unwrap();
    staff(store, Some("b"), Role::Nurse, "n@b.example").await;
    let recorded = store.audit_heads().await.unwrap();
    let chains: Vec<(&str, i64)> = recorded.iter().map(|h| (h.chain.as_str(), h.seq)).collect();
    assert_eq!(chains, [("clinic:a", 6), ("clinic:b", 1), ("platform", 2)]);
    // Every recorded head, old or new, is still reached.
    assert!(store.check_audit_heads(&early).await.unwrap().is_empty());
    assert!(store.check_audit_heads(&recorded).await.unwrap().is_empty());
    assert!(store.check_audit_heads(&empty).await.unwrap().is_empty());

    // Someone restores an older backup, or deletes the last events of clinic a's chain: the chain that is left is
    // intact, and only the recorded head of that chain catches the cut.
    disable_triggers(db).await;
    let admin = store.unscoped_for_admin_cli_and_tests();
    let cut = "DELETE FROM audit_events WHERE chain = 'clinic:a' AND chain_seq > 4";
    assert_eq!(admin.execute_raw_sql(cut).await.unwrap(), 2);
    assert!(store.verify_audit_chain().await.unwrap().is_intact(), "a cut tail leaves an intact chain");
    let problems = store.check_audit_heads(&recorded).await.unwrap();
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(problems[0].contains("chain clinic:a was truncated: it ends at event 4"), "{}", problems[0]);
    assert!(store.check_audit_heads(&early).await.unwrap().is_empty());
    assert!(store.check_audit_heads(&[head(&recorded, "clinic:b")]).await.unwrap().is_empty());

    // New events fill the gap again with other contents: the recorded head's event has another hash.
    events(store, false, 2, "z").await;
    assert_eq!(head(&store.audit_heads().await.unwrap(), "clinic:a").seq, 6);
    let problems = store.check_audit_heads(&recorded).await.unwrap();
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(problems[0].contains("chain clinic:a was rewritten: event 6 has hash"), "{}", problems[0]);

    // Deleting a whole chain leaves no chain of that name: its recorded head still catches it.
    let gone = "DELETE FROM audit_events WHERE chain = 'clinic:b'";
    assert_eq!(admin.execute_raw_sql(gone).await.unwrap(), 1);
    let problems = store.check_audit_heads(&[head(&recorded, "clinic:b")]).await.unwrap();
    assert!(problems.len() == 1 && problems[0].contains("chain clinic:b was truncated: it ends at event 0"));

    // A name no chain can have is the caller's mistake, not a verdict on the log.
    let unknown = ChainHead { chain: "clinic-a".to_owned(), ..recorded[0].clone() };
    let err = store.check_audit_heads(&[unknown]).await.unwrap_err();
    assert!(err.is_invalid_input() && err.to_string().contains("the chains now are clinic:a, platform"), "{err}");
}

async fn a_keyed_chain_detects_a_plain_rewrite(db: &TestDb) {
    // A plain event of clinic a from before the key (and the listing import, a platform event), then keyed ones:
    // the old part keeps verifying.
    events(&db.store, true, 1, "plain").await;
    let with_key = keyed(db, KEY).await;
    assert!(with_key.keys_audit_events());
    events(&with_key, false, 3, "keyed").await;
    let report = with_key.verify_audit_chain().await.unwrap();
    assert!(report.is_intact(), "{report:?}");
    let a = report.chain("clinic:a").unwrap();
    assert_eq!((report.events(), a.keyed_from), (5, Some(2)));

    // Without the key the keyed events cannot be checked, and verification says so instead of passing.
    let report = db.store.verify_audit_chain().await.unwrap();
    assert!(!report.is_intact());
    let a = report.chain("clinic:a").unwrap();
    assert_eq!((a.events, a.key_missing_at, a.first_bad.is_none()), (1, Some(2), true));

    // With another key, every keyed event looks edited.
    let wrong = keyed(db, OTHER_KEY).await;
    let report = wrong.verify_audit_chain().await.unwrap();
    let bad = report.chain("clinic:a").unwrap().first_bad.clone().expect("the wrong key is detected");
    assert_eq!(bad.seq, 2);
    assert!(bad.reason.contains("not the key it was written with"), "{}", bad.reason);
    wrong.close().await;

    // An attacker with only the database rewrites event 3 and relinks the rest with plain SHA-256 hashes,
    // which they can compute: the plain link after a keyed one is named.
    let recorded = with_key.audit_heads().await.unwrap();
    disable_triggers(db).await;
    let admin = db.store.unscoped_for_admin_cli_and_tests();
    for statement in admin.forged_audit_rewrite_sql("clinic:a", 3, "someone-else").await.unwrap() {
        admin.execute_raw_sql(&statement).await.unwrap();
    }
    let report = with_key.verify_audit_chain().await.unwrap();
    let bad = report.chain("clinic:a").unwrap().first_bad.clone().expect("the rewrite is detected");
    assert_eq!(bad.seq, 3);
    assert!(bad.reason.contains("rewritten by someone without KETAPATH_AUDIT_KEY"), "{}", bad.reason);

    // Relinking every keyed event as plain leaves a chain that looks written without a key; the recorded head
    // catches that rewrite.
    for statement in admin.forged_audit_rewrite_sql("clinic:a", 2, "someone-else").await.unwrap() {
        admin.execute_raw_sql(&statement).await.unwrap();
    }
    assert!(with_key.verify_audit_chain().await.unwrap().is_intact());
    let problems = with_key.check_audit_heads(&recorded).await.unwrap();
    assert!(problems.len() == 1 && problems[0].contains("chain clinic:a was rewritten: event 4"), "{problems:?}");
    with_key.close().await;
}

// These tests break the audit chain on purpose, so the invariants are not checked at the end.
on_both_backends!(truncated_tail, super::truncation_is_detected_against_a_recorded_head, unverified);
on_both_backends!(keyed_chain, super::a_keyed_chain_detects_a_plain_rewrite, unverified);

#[test]
fn head_lines_have_one_format_to_print_log_and_read_back() {
    let head = ChainHead { chain: "global".to_owned(), seq: 42, hash: "ab".repeat(32) };
    assert_eq!(head.to_string(), format!("global 42 {}", "ab".repeat(32)));
    assert_eq!(head.log_line(), format!("audit head chain=global seq=42 hash={}", "ab".repeat(32)));
    let json = serde_json::to_value(&head).unwrap();
    assert_eq!(json, serde_json::json!({"chain": "global", "seq": 42, "hash": "ab".repeat(32)}));
    let text = format!("global:42:{}", "AB".repeat(32));
    assert_eq!(ChainHead::parse("--expect-head", &text).unwrap(), head);
    // A clinic's chain name holds a colon of its own.
    let clinic = ChainHead::parse("--expect-head", &format!("clinic:c-1:7:{}", "ab".repeat(32))).unwrap();
    assert_eq!((clinic.chain.as_str(), clinic.seq), ("clinic:c-1", 7));
    for bad in ["global:42", "global:x:00", "global:-1:00", &format!("global:42:{}", "g".repeat(64))] {
        let err = ChainHead::parse("--expect-head", bad).unwrap_err();
        assert!(err.to_string().starts_with("invalid --expect-head: "), "{err}");
    }
}

#[test]
fn an_audit_key_is_64_hex_digits() {
    assert!(AuditKey::from_hex(&format!(" {KEY}\n")).is_ok());
    assert!(!format!("{:?}", AuditKey::from_hex(KEY).unwrap()).contains("0011"));
    for bad in ["", "abc", &"zz".repeat(32)] {
        let err = AuditKey::from_hex(bad).unwrap_err();
        assert!(err.to_string().contains("KETAPATH_AUDIT_KEY"), "{err}");
    }
}
