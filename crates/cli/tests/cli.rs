//! The `relais` command line, run as a real process against a real database.

use std::io::Write;
use std::process::{Command, Stdio};

use relais_testkit::TestDb;

fn relais(
    db: &TestDb,
    dir: &std::path::Path,
    args: &[&str],
    stdin: Option<&str>,
) -> (i32, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_relais"))
        .args(args)
        .current_dir(dir)
        .env("RELAIS_DATABASE_URL", db.url.expose())
        .env("RELAIS_LOG", "warn")
        .env("LANG", "C")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env_remove("RELAIS_CONFIG")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("relais runs");
    if let Some(input) = stdin {
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
    }
    drop(child.stdin.take());
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

const UNITS: &str = "code;name;delegation;partners\nU1;Immunologie;DR-PACA;CNRS\n";
const PEOPLE: &str = "employee_number;email;first_name;last_name;unit_code;team;manager_employee_number;job_category;phd_supervisor;language\nE1;a@x.test;Ann;Roy;U1;;;;;\nE2;b@x.test;Bob;Roy;U1;;E1;;;\n";

#[tokio::test]
async fn import_create_user_token_and_audit_from_the_command_line() {
    let db = TestDb::new().await;
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("units.csv"), UNITS).unwrap();
    std::fs::write(dir.path().join("people.csv"), PEOPLE).unwrap();
    std::fs::write(
        dir.path().join("bad.csv"),
        PEOPLE.replace("U1;;E1", "U9;;E1"),
    )
    .unwrap();

    let (code, out, _) = relais(&db, dir.path(), &["import", "units", "units.csv"], None);
    assert_eq!(code, 0);
    assert_eq!(out.trim(), "created 1, updated 0, unchanged 0, rejected 0");
    let (code, out, err) = relais(&db, dir.path(), &["import", "people", "bad.csv"], None);
    assert_eq!(code, 1, "a refused import fails");
    assert!(
        err.contains("line 3 [unit_code]: Unknown unit: U9"),
        "{err}"
    );
    assert_eq!(out.trim(), "created 0, updated 0, unchanged 0, rejected 1");
    let (code, out, _) = relais(&db, dir.path(), &["import", "people", "people.csv"], None);
    assert_eq!(code, 0);
    assert_eq!(out.trim(), "created 2, updated 0, unchanged 0, rejected 0");

    let (code, _, err) = relais(
        &db,
        dir.path(),
        &[
            "admin",
            "create-user",
            "--email",
            "a@x.test",
            "--role",
            "it_staff:delegation:DR-PACA",
        ],
        Some("short\n"),
    );
    assert_ne!(code, 0);
    assert!(err.contains("at least 12 characters"), "{err}");
    let (code, _, err) = relais(
        &db,
        dir.path(),
        &[
            "admin",
            "create-user",
            "--email",
            "a@x.test",
            "--role",
            "wizard",
        ],
        Some("long enough password\n"),
    );
    assert_ne!(code, 0);
    assert!(err.contains("Unknown role"), "{err}");
    let (code, out, err) = relais(
        &db,
        dir.path(),
        &[
            "admin",
            "create-user",
            "--email",
            "a@x.test",
            "--role",
            "it_staff:delegation:DR-PACA",
        ],
        Some("long enough password\n"),
    );
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("account ready"));
    let (code, out, _) = relais(
        &db,
        dir.path(),
        &["admin", "token", "--email", "a@x.test", "--expires", "7"],
        None,
    );
    assert_eq!(code, 0);
    let token = out.trim();
    assert!(token.starts_with("rls_") && !token.contains(char::is_whitespace));

    let (code, out, _) = relais(&db, dir.path(), &["audit", "verify"], None);
    assert_eq!(code, 0);
    assert!(out.contains("audit log intact"), "{out}");
    sqlx::query("UPDATE audit_log SET details = '{}' WHERE action = 'directory.import_people'")
        .execute(db.db.pool())
        .await
        .unwrap();
    let (id,): (i64,) =
        sqlx::query_as("SELECT id FROM audit_log WHERE action = 'directory.import_people'")
            .fetch_one(db.db.pool())
            .await
            .unwrap();
    let (code, _, err) = relais(&db, dir.path(), &["audit", "verify"], None);
    assert_ne!(code, 0);
    assert!(err.contains(&format!("broken at entry {id}")), "{err}");
}

#[tokio::test]
async fn config_check_names_the_bad_setting_and_hides_secrets() {
    let db = TestDb::new().await;
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("relais.toml"), "listen = \"nowhere\"\n").unwrap();
    let (code, _, err) = relais(&db, dir.path(), &["config", "check"], None);
    assert_ne!(code, 0);
    assert!(err.contains("listen"), "{err}");
    std::fs::write(
        dir.path().join("relais.toml"),
        "smtp_url = \"smtp://user:hunter2@127.0.0.1:2525\"\n",
    )
    .unwrap();
    let (code, out, err) = relais(&db, dir.path(), &["config", "check"], None);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("configuration is valid") && !out.contains("hunter2"),
        "{out}"
    );
}

#[tokio::test]
async fn backup_and_restore_a_sqlite_database() {
    let db = TestDb::new().await;
    if db.db.backend() != relais_db::Backend::Sqlite {
        return; // PostgreSQL is backed up with pg_dump (docs/operations.md).
    }
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("units.csv"), UNITS).unwrap();
    relais(&db, dir.path(), &["import", "units", "units.csv"], None);
    let (code, _, err) = relais(&db, dir.path(), &["backup", "copy.db"], None);
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = relais(&db, dir.path(), &["backup", "copy.db"], None);
    assert_ne!(code, 0);
    assert!(err.contains("already exists"));
    sqlx::query("DELETE FROM unit_partners")
        .execute(db.db.pool())
        .await
        .unwrap();
    sqlx::query("DELETE FROM units")
        .execute(db.db.pool())
        .await
        .unwrap();

    // A server's heartbeat makes restore refuse.
    sqlx::query("INSERT INTO instances (id, kind, host, started_at, heartbeat_at) VALUES ('s1', 'serve', 'h', $1, $1)")
        .bind(relais_core::Clock::now(&relais_core::SystemClock).0)
        .execute(db.db.pool())
        .await
        .unwrap();
    let (code, _, err) = relais(&db, dir.path(), &["restore", "copy.db"], None);
    assert_ne!(code, 0);
    assert!(err.contains("running"), "{err}");
    sqlx::query("DELETE FROM instances")
        .execute(db.db.pool())
        .await
        .unwrap();
    db.db.close().await;
    std::fs::write(dir.path().join("junk.db"), b"not a database").unwrap();
    let (code, _, _) = relais(&db, dir.path(), &["restore", "junk.db"], None);
    assert_ne!(code, 0);
    let (code, out, err) = relais(&db, dir.path(), &["restore", "copy.db"], None);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("restored"));
    let reopened = relais_db::Db::connect(&db.url).await.unwrap();
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM units")
        .fetch_one(reopened.pool())
        .await
        .unwrap();
    assert_eq!(n, 1, "the unit deleted after the backup is back");
}
