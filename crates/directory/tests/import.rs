//! CSV imports: every bad line named, nothing half-written, re-imports that
//! update in place. Runs on SQLite and (in CI) PostgreSQL.

use relais_core::Timestamp;
use relais_db::audit::Actor;
use relais_directory::access::DirectoryAdmin;
use relais_directory::import::{
    ImportOptions, ImportReport, import_people, import_units, no_progress,
};
use relais_testkit::{FakeClock, TestDb};

const UNITS: &str = "code;name;delegation;partners\nU1;Immunologie;DR-PACA;CNRS|Aix-Marseille Université\nU2;Neurosciences;DR-EST;\n";
const HEADER: &str = "employee_number;email;first_name;last_name;unit_code;team;manager_employee_number;job_category;phd_supervisor;language\n";

struct Fixture {
    t: TestDb,
    clock: FakeClock,
}

impl Fixture {
    async fn new() -> Fixture {
        let f = Fixture {
            t: TestDb::new().await,
            clock: FakeClock::new(Timestamp(1_600_000_000_000_000)),
        };
        let r = f.units(UNITS.as_bytes(), false).await;
        assert!(r.written, "{:?}", r.errors);
        f
    }

    async fn units(&self, csv: &[u8], skip_invalid: bool) -> ImportReport {
        import_units(
            &self.t.db,
            &self.clock,
            Actor::SYSTEM,
            DirectoryAdmin::operator(),
            csv,
            ImportOptions { skip_invalid },
            &no_progress,
        )
        .await
        .unwrap()
    }

    async fn people(&self, csv: &str, skip_invalid: bool) -> ImportReport {
        self.people_bytes(csv.as_bytes(), skip_invalid).await
    }

    async fn people_bytes(&self, csv: &[u8], skip_invalid: bool) -> ImportReport {
        import_people(
            &self.t.db,
            &self.clock,
            Actor::SYSTEM,
            DirectoryAdmin::operator(),
            csv,
            ImportOptions { skip_invalid },
            &no_progress,
        )
        .await
        .unwrap()
    }

    async fn count(&self) -> i64 {
        let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM people")
            .fetch_one(self.t.db.pool())
            .await
            .unwrap();
        n
    }

    async fn manager_of(&self, number: &str) -> Option<String> {
        let row: (Option<String>,) = sqlx::query_as(
            "SELECT m.employee_number FROM people p LEFT JOIN people m ON m.id = p.manager_id WHERE p.employee_number = $1",
        )
        .bind(number)
        .fetch_one(self.t.db.pool())
        .await
        .unwrap();
        row.0
    }
}

fn people(rows: &[&str]) -> String {
    format!("{HEADER}{}\n", rows.join("\n"))
}

fn lines(r: &ImportReport) -> Vec<(u64, &'static str)> {
    r.errors.iter().map(|e| (e.line, e.msg.key)).collect()
}

#[tokio::test]
async fn units_create_delegations_and_keep_partners() {
    let f = Fixture::new().await;
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM delegations")
        .fetch_one(f.t.db.pool())
        .await
        .unwrap();
    assert_eq!(n, 2);
    let again = f.units(UNITS.as_bytes(), false).await;
    assert_eq!(
        again.summary(),
        "created 0, updated 0, unchanged 2, rejected 0"
    );
    let changed = f
        .units(
            b"code;name;delegation;partners\nU1;Immunologie;DR-PACA;CNRS\n",
            false,
        )
        .await;
    assert_eq!(
        changed.summary(),
        "created 0, updated 1, unchanged 0, rejected 0"
    );
    let (p,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM unit_partners")
        .fetch_one(f.t.db.pool())
        .await
        .unwrap();
    assert_eq!(p, 1);
}

#[tokio::test]
async fn people_import_with_managers_anywhere_then_reimport_unchanged() {
    let f = Fixture::new().await;
    // The agent comes before their manager; the PhD student before their supervisor.
    let csv = people(&[
        "E2;loic.martin@x.test;Loïc;Martin;U1;Équipe A;E1;Technicien;;",
        "E3;anais@x.test;Anaïs;Da Silva;U1;Équipe A;E1;Doctorant;E1;en",
        "E1;helene@x.test;Hélène;Lefèvre;U1;Équipe A;;Chercheur;;",
    ]);
    let r = f.people(&csv, false).await;
    assert_eq!(r.summary(), "created 3, updated 0, unchanged 0, rejected 0");
    assert_eq!(f.manager_of("E2").await.as_deref(), Some("E1"));
    let r = f.people(&csv, false).await;
    assert_eq!(r.summary(), "created 0, updated 0, unchanged 3, rejected 0");
}

#[tokio::test]
async fn reimport_matches_by_employee_number_then_email() {
    let f = Fixture::new().await;
    f.people(
        &people(&[
            "E1;helene@x.test;Hélène;Lefèvre;U1;;;;;",
            "E2;loic@x.test;Loïc;Martin;U1;;E1;;;",
        ]),
        false,
    )
    .await;
    // E1 changed her email; Loïc's employee number was corrected by HR (matched by email).
    let r = f
        .people(
            &people(&[
                "E1;h.lefevre@x.test;Hélène;Lefèvre;U2;;;;;",
                "E9;loic@x.test;Loïc;Martin;U1;;E1;;;",
            ]),
            false,
        )
        .await;
    assert_eq!(r.summary(), "created 0, updated 2, unchanged 0, rejected 0");
    assert_eq!(f.count().await, 2);
    assert_eq!(f.manager_of("E9").await.as_deref(), Some("E1"));
}

#[tokio::test]
async fn bom_and_comma_separated_files_are_read() {
    let f = Fixture::new().await;
    let mut csv = b"\xEF\xBB\xBF".to_vec();
    csv.extend_from_slice(
        people(&["E1;a@x.test;Zoé;Müller;U1;;;;;"])
            .replace(';', ",")
            .as_bytes(),
    );
    let r = f.people_bytes(&csv, false).await;
    assert_eq!(r.summary(), "created 1, updated 0, unchanged 0, rejected 0");
}

#[tokio::test]
async fn a_bad_encoding_is_refused_with_its_line() {
    let f = Fixture::new().await;
    // "Zoé" in Latin-1, on line 3.
    let mut csv = people(&["E1;a@x.test;Ann;Roy;U1;;;;;"]).into_bytes();
    csv.extend_from_slice(b"E2;b@x.test;Zo\xe9;Roy;U1;;;;;\n");
    let r = f.people_bytes(&csv, false).await;
    assert!(!r.written);
    assert_eq!(lines(&r), vec![(3, "import-error-encoding")]);
    assert_eq!(f.count().await, 0, "nothing written");
    let r = f.people_bytes(b"\xFF\xFEe\x00", false).await;
    assert_eq!(lines(&r), vec![(1, "import-error-encoding-utf16")]);
}

#[tokio::test]
async fn a_missing_column_is_named() {
    let f = Fixture::new().await;
    let r = f
        .people(
            "employee_number;email;first_name;unit_code\nE1;a@x.test;Ann;U1\n",
            false,
        )
        .await;
    assert!(!r.written);
    let missing: Vec<String> = r.errors.iter().map(|e| e.msg.args[0].1.clone()).collect();
    assert!(
        missing.contains(&"last_name".to_string()) && missing.contains(&"language".to_string()),
        "{missing:?}"
    );
    assert!(r.errors.iter().all(|e| e.line == 1));
}

#[tokio::test]
async fn duplicates_unknown_units_and_managers_reject_the_whole_file() {
    let f = Fixture::new().await;
    let csv = people(&[
        "E1;a@x.test;Ann;Roy;U1;;;;;",
        "E1;b@x.test;Bob;Roy;U1;;;;;",
        "E3;a@x.test;Cat;Roy;U1;;;;;",
        "E4;d@x.test;Dan;Roy;U404;;;;;",
        "E5;e@x.test;Eve;Roy;U1;;E404;;;",
        "E6;f@x.test;Fay;Roy;U1;;;;E405;",
        "E7;not-an-email;Gus;Roy;U1;;;;;xx",
        "E8;h@x.test;Hal;Roy;U1;;E8;;;",
    ]);
    let r = f.people(&csv, false).await;
    assert!(!r.written);
    assert_eq!(
        lines(&r),
        vec![
            (3, "import-error-duplicate-employee-number"),
            (4, "import-error-duplicate-email"),
            (5, "import-error-unknown-unit"),
            (6, "import-error-unknown-manager"),
            (7, "import-error-unknown-supervisor"),
            (8, "error-email-invalid"),
            (8, "import-error-language"),
            (9, "import-error-self-reference"),
        ]
    );
    assert_eq!(r.summary(), "created 0, updated 0, unchanged 0, rejected 7");
    assert_eq!(f.count().await, 0);
}

#[tokio::test]
async fn skip_invalid_writes_the_good_lines_and_drops_those_that_lean_on_bad_ones() {
    let f = Fixture::new().await;
    let csv = people(&[
        "E1;a@x.test;Ann;Roy;U1;;;;;",
        "E2;b@x.test;Bob;Roy;U404;;;;;",
        "E3;c@x.test;Cat;Roy;U1;;E2;;;",
        "E4;d@x.test;Dan;Roy;U1;;E1;;;",
    ]);
    let r = f.people(&csv, true).await;
    assert!(r.written);
    assert_eq!(r.summary(), "created 2, updated 0, unchanged 0, rejected 2");
    assert_eq!(
        lines(&r),
        vec![
            (3, "import-error-unknown-unit"),
            (4, "import-error-unknown-manager")
        ]
    );
    assert_eq!(f.manager_of("E4").await.as_deref(), Some("E1"));
}

#[tokio::test]
async fn a_cycle_of_managers_is_refused() {
    let f = Fixture::new().await;
    let r = f
        .people(
            &people(&[
                "E1;a@x.test;Ann;Roy;U1;;E2;;;",
                "E2;b@x.test;Bob;Roy;U1;;E1;;;",
            ]),
            false,
        )
        .await;
    assert_eq!(
        lines(&r),
        vec![
            (2, "import-error-manager-cycle"),
            (3, "import-error-manager-cycle")
        ]
    );
}

#[tokio::test]
async fn an_email_already_taken_by_someone_else_is_named() {
    let f = Fixture::new().await;
    f.people(
        &people(&["E1;a@x.test;Ann;Roy;U1;;;;;", "E2;b@x.test;Bob;Roy;U1;;;;;"]),
        false,
    )
    .await;
    let r = f
        .people(&people(&["E2;a@x.test;Bob;Roy;U1;;;;;"]), false)
        .await;
    assert_eq!(lines(&r), vec![(2, "import-error-email-taken")]);
}

#[tokio::test]
async fn an_empty_language_keeps_the_persons_choice() {
    let f = Fixture::new().await;
    f.people(&people(&["E1;a@x.test;Ann;Roy;U1;;;;;"]), false)
        .await;
    sqlx::query("UPDATE people SET language = 'en'")
        .execute(f.t.db.pool())
        .await
        .unwrap();
    let r = f
        .people(&people(&["E1;a@x.test;Ann;Roy;U1;;;;;"]), false)
        .await;
    assert_eq!(r.summary(), "created 0, updated 0, unchanged 1, rejected 0");
    let (l,): (Option<String>,) = sqlx::query_as("SELECT language FROM people")
        .fetch_one(f.t.db.pool())
        .await
        .unwrap();
    assert_eq!(l.as_deref(), Some("en"));
}

#[tokio::test]
async fn a_large_file_goes_through_in_one_piece() {
    let f = Fixture::new().await;
    let mut csv = String::from(HEADER);
    for i in 0..1200 {
        let manager = if i == 0 {
            String::new()
        } else {
            format!("E{}", i / 10)
        };
        csv.push_str(&format!(
            "E{i};p{i}@x.test;Prénom{i};Nom{i};U{};Équipe {};{manager};;;\n",
            1 + i % 2,
            i % 7
        ));
    }
    let r = f.people(&csv, false).await;
    assert_eq!(
        r.summary(),
        "created 1200, updated 0, unchanged 0, rejected 0"
    );
    assert_eq!(f.manager_of("E1199").await.as_deref(), Some("E119"));
    let (teams,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM teams")
        .fetch_one(f.t.db.pool())
        .await
        .unwrap();
    assert_eq!(teams, 14);
}

#[tokio::test]
async fn two_lines_that_point_at_one_person_are_refused() {
    let f = Fixture::new().await;
    f.people(&people(&["E1;a@x.test;Ann;Roy;U1;;;;;"]), false)
        .await;
    // Line 2 matches E1 by number, line 3 matches E1 by address: they would merge.
    let r = f
        .people(
            &people(&[
                "E1;new@x.test;Ann;Roy;U1;;;;;",
                "E9;a@x.test;Bob;Roy;U1;;;;;",
            ]),
            false,
        )
        .await;
    assert_eq!(lines(&r), vec![(3, "import-error-same-person")]);
    assert_eq!(f.count().await, 1);
}
