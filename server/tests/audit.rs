//! `verify-audit` against someone with the database's keys but not the
//! audit key: the guards are removed, then the trail is edited, reordered,
//! cut short, or rewritten and its chain recomputed; each is found and
//! named. On SQLite and PostgreSQL.

mod common;

use app::server::db::Backend as Dialect;
use app::server::{Db, accounts};
use common::{Backend, TestApp};
use sqlx::Row;

/// The test's database, its trail's head written to a file of its own, and
/// four entries appended the plain way (disabling and enabling an account
/// twice), so the trail ends with known entries whatever the demo wrote.
async fn sealed_with_entries(app: &TestApp) -> (Db, i64) {
    let head =
        std::env::temp_dir().join(format!("ccc-audit-head-{}", uuid::Uuid::new_v4().simple()));
    let db = app
        .db
        .clone()
        .with_audit_seal(app.db.audit_seal().with_head_file(head));
    let coordinator = accounts::find_with_password(&db, "coordinator")
        .await
        .unwrap()
        .unwrap()
        .user;
    let worker = accounts::find_with_password(&db, "worker2")
        .await
        .unwrap()
        .unwrap()
        .user;
    for n in 0..4 {
        accounts::set_disabled(&db, worker.id, n % 2 == 0, &coordinator, 1_000 + n)
            .await
            .unwrap();
    }
    let last: i64 = sqlx::query("SELECT MAX(seq) AS s FROM audit_log")
        .fetch_one(&db.pool)
        .await
        .unwrap()
        .try_get("s")
        .unwrap();
    let finding = server::startup::verify_audit(&db).await.unwrap();
    assert!(finding.contains("holds"), "{finding}");
    (db, last)
}

/// What someone with the database's own keys does first.
async fn remove_guards(db: &Db) {
    let statements: &[&str] = match db.backend {
        Dialect::Sqlite => &[
            "DROP TRIGGER audit_log_never_changes",
            "DROP TRIGGER audit_log_never_shrinks",
        ],
        Dialect::Postgres => &[
            "ALTER TABLE audit_log DISABLE TRIGGER audit_log_never_changes",
            "ALTER TABLE audit_log DISABLE TRIGGER audit_log_never_shrinks",
        ],
    };
    for statement in statements {
        sqlx::query(statement).execute(&db.pool).await.unwrap();
    }
}

async fn verdict(db: &Db) -> String {
    server::startup::verify_audit(db)
        .await
        .expect_err("the check must fail")
        .to_string()
}

both_databases! {
    async fn an_edited_entry_is_named(app: TestApp) {
        let (db, last) = sealed_with_entries(&app).await;
        remove_guards(&db).await;
        sqlx::query("UPDATE audit_log SET detail = 'nothing happened' WHERE seq = $1").bind(last - 1).execute(&db.pool).await.unwrap();
        assert_eq!(verdict(&db).await, format!("The audit trail was edited: entry {} is not what was written.", last - 1));
    }

    async fn reordered_entries_are_found(app: TestApp) {
        let (db, last) = sealed_with_entries(&app).await;
        remove_guards(&db).await;
        for (from, to) in [(last - 2, -1), (last - 1, last - 2), (-1, last - 1)] {
            sqlx::query("UPDATE audit_log SET seq = $1 WHERE seq = $2").bind(to).bind(from).execute(&db.pool).await.unwrap();
        }
        let found = verdict(&db).await;
        assert!(found.contains(&format!("broken at entry {}", last - 2)), "{found}");
    }

    async fn a_cut_tail_is_found_against_the_head_kept_outside_the_database(app: TestApp) {
        let (db, last) = sealed_with_entries(&app).await;
        remove_guards(&db).await;
        sqlx::query("DELETE FROM audit_log WHERE seq >= $1").bind(last - 1).execute(&db.pool).await.unwrap();
        assert_eq!(
            verdict(&db).await,
            format!("The audit trail was cut short: it ends at entry {}, but entry {last} was written.", last - 2)
        );
    }

    async fn a_rewritten_chain_recomputed_without_the_key_is_found(app: TestApp) {
        let (db, last) = sealed_with_entries(&app).await;
        remove_guards(&db).await;
        // Rewrite an entry, then recompute the hashes from the entry before
        // it onwards,
        // as well as one can without the key.
        let trail = app::server::audit::audit_trail(&db).await.unwrap();
        let mut previous = trail[(last - 4) as usize].previous.clone();
        for entry in &trail[(last - 4) as usize..] {
            let detail = if entry.seq == last - 2 { "rewritten".to_owned() } else { entry.detail.clone() };
            let content = app::domain::audit::content_hash(entry.at_ms, entry.actor, &entry.action, &entry.subject, &detail);
            let hash = app::domain::audit::link(b"a guessed key", &previous, entry.seq, &content);
            sqlx::query("UPDATE audit_log SET detail = $1, previous = $2, content_hash = $3, hash = $4 WHERE seq = $5")
                .bind(detail).bind(previous.clone()).bind(content).bind(hash.clone()).bind(entry.seq)
                .execute(&db.pool).await.unwrap();
            previous = hash;
        }
        let found = verdict(&db).await;
        assert!(found.contains(&format!("broken at entry {}", last - 3)), "{found}");
        assert!(found.contains("recomputed without the key"), "{found}");
    }
}
