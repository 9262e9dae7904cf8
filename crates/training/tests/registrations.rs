//! Registration rules on both backends: seats, waitlists, timed offers,
//! approvals, moves, and the invariant that no session ever has more
//! confirmed seats than its capacity, even under a race.

use std::sync::Arc;

use relais_core::{Clock, Grant, Lang, PersonId, Principal, Role, Scope, Timestamp};
use relais_db::audit::Actor;
use relais_directory::access::DirectoryAdmin;
use relais_directory::import::{ImportOptions, import_people, import_units, no_progress};
use relais_jobs::Worker;
use relais_testkit::{FakeClock, TestDb};
use relais_training::access::TrainingOffice;
use relais_training::courses::{self, NewCourse};
use relais_training::registrations::{self, OfferExpiryJob, Training};
use relais_training::sessions::{self, NewSession};
use relais_training::{Audience, RegistrationStatus};

const UNITS: &str =
    "code;name;delegation;partners\nU1;Immunologie;DR-PACA;\nU2;Neurosciences;DR-EST;\n";

struct World {
    t: Training,
    db: TestDb,
    clock: FakeClock,
    officer: Principal,
    people: Vec<PersonId>,
}

fn principal(id: PersonId, grants: Vec<Grant>) -> Principal {
    Principal {
        person_id: id,
        display_name: format!("p{id}"),
        email: String::new(),
        lang: Some(Lang::Fr),
        unit: None,
        delegation: None,
        grants,
        token: None,
    }
}

impl World {
    /// P1 manages P2..P40 and supervises P3 as a PhD student; P41 is in DR-EST.
    async fn new() -> World {
        let db = TestDb::new().await;
        let clock = FakeClock::new(Timestamp::from_jiff(
            "2020-03-02T08:00:00Z".parse().unwrap(),
        ));
        let admin = DirectoryAdmin::operator();
        import_units(
            &db.db,
            &clock,
            Actor::SYSTEM,
            admin,
            UNITS.as_bytes(),
            ImportOptions::default(),
            &no_progress,
        )
        .await
        .unwrap();
        let mut csv = String::from(
            "employee_number;email;first_name;last_name;unit_code;team;manager_employee_number;job_category;phd_supervisor;language\n",
        );
        csv.push_str("P1;p1@x.test;Hélène;Lefèvre;U1;;;Chercheur;;\n");
        for i in 2..=40 {
            let sup = if i == 3 { "P1" } else { "" };
            csv.push_str(&format!(
                "P{i};p{i}@x.test;Prénom{i};Nom{i};U1;;P1;Technicien;{sup};\n"
            ));
        }
        csv.push_str("P41;p41@x.test;Zoé;Müller;U2;;;Chercheur;;en\n");
        let r = import_people(
            &db.db,
            &clock,
            Actor::SYSTEM,
            admin,
            csv.as_bytes(),
            ImportOptions::default(),
            &no_progress,
        )
        .await
        .unwrap();
        assert!(r.written, "{:?}", r.errors);
        let ids: Vec<(i64,)> = sqlx::query_as(
            "SELECT id FROM people ORDER BY CAST(SUBSTR(employee_number, 2) AS BIGINT)",
        )
        .fetch_all(db.db.pool())
        .await
        .unwrap();
        let people = ids.into_iter().map(|(i,)| PersonId(i)).collect::<Vec<_>>();
        let officer = principal(
            people[40],
            vec![Grant {
                role: Role::TrainingOfficer,
                scope: Scope::Institute,
            }],
        );
        let t = Training {
            db: db.db.clone(),
            clock: Arc::new(clock.clone()),
            public_url: "http://relais.test".into(),
            mail_domain: "relais.test".into(),
            time_zone: "Europe/Paris".into(),
            registrar: None,
            undo_secs: 600,
        };
        World {
            t,
            db,
            clock,
            officer,
            people,
        }
    }

    fn person(&self, n: usize) -> Principal {
        principal(self.people[n - 1], vec![])
    }

    async fn session(&self, capacity: i64, tweak: impl FnOnce(&mut NewSession)) -> i64 {
        let office = TrainingOffice::for_principal(&self.officer).unwrap();
        let course = courses::create(
            &self.t.db,
            &self.clock,
            Actor::SYSTEM,
            &office,
            NewCourse {
                title: "Webinaire : encadrer ses doctorants à distance".into(),
                format: "webinar".into(),
                themes: vec!["Management".into()],
                ..Default::default()
            },
        )
        .await
        .unwrap();
        let mut s = NewSession {
            starts_at: "2020-03-24T09:00:00+01:00".into(),
            ends_at: "2020-03-24T12:00:00+01:00".into(),
            capacity,
            site_id: None,
            venue_address: None,
            video_link: Some("https://visio.example.fr/j/1".into()),
            trainers: vec!["Claire Dubois".into()],
            registration_opens_at: None,
            registration_closes_at: None,
            audience: None,
            requires_approval: false,
            waitlist_mode: None,
            offer_hours: None,
            delegation_id: None,
        };
        tweak(&mut s);
        sessions::create(&self.t.db, &self.clock, Actor::SYSTEM, &office, course, s)
            .await
            .unwrap()
    }

    async fn register(
        &self,
        n: usize,
        session: i64,
    ) -> relais_core::Result<(i64, RegistrationStatus)> {
        registrations::register(&self.t, &self.person(n), session, None, None).await
    }

    async fn status(&self, id: i64) -> String {
        let (s,): (String,) = sqlx::query_as("SELECT status FROM registrations WHERE id = $1")
            .bind(id)
            .fetch_one(self.db.db.pool())
            .await
            .unwrap();
        s
    }

    /// A `SELECT COUNT(*)` with its integer parameters.
    async fn count(&self, sql: &'static str, binds: &[i64]) -> i64 {
        let mut q = sqlx::query_as::<_, (i64,)>(sql);
        for b in binds {
            q = q.bind(*b);
        }
        q.fetch_one(self.db.db.pool()).await.unwrap().0
    }

    /// The confirmed registrations of a session: (registration, person).
    async fn seated(&self, session: i64) -> Vec<(i64, i64)> {
        sqlx::query_as(
            "SELECT id, person_id FROM registrations WHERE session_id = $1 AND status = 'confirmed'",
        )
        .bind(session)
        .fetch_all(self.db.db.pool())
        .await
        .unwrap()
    }

    /// Offer expiries queued.
    async fn offer_expiries(&self) -> i64 {
        self.count(
            "SELECT COUNT(*) FROM jobs WHERE kind = 'training.offer_expiry'",
            &[],
        )
        .await
    }

    /// Each session's kept counts (confirmed, offered, waitlisted, pending)
    /// equal its registrations counted.
    async fn assert_seat_counts(&self) {
        let rows: Vec<(i64, i64, i64, i64, i64, i64, i64, i64, i64)> = sqlx::query_as(
            "SELECT s.id, s.seats_confirmed, s.seats_offered, s.seats_waitlisted, s.seats_pending,
               (SELECT COUNT(*) FROM registrations r WHERE r.session_id = s.id AND r.status = 'confirmed'),
               (SELECT COUNT(*) FROM registrations r WHERE r.session_id = s.id AND r.status = 'offered'),
               (SELECT COUNT(*) FROM registrations r WHERE r.session_id = s.id AND r.status = 'waitlisted'),
               (SELECT COUNT(*) FROM registrations r WHERE r.session_id = s.id AND r.status = 'pending')
             FROM training_sessions s ORDER BY s.id",
        )
        .fetch_all(self.db.db.pool())
        .await
        .unwrap();
        assert!(!rows.is_empty());
        for (s, c, o, w, p, rc, ro, rw, rp) in rows {
            assert_eq!((c, o, w, p), (rc, ro, rw, rp), "session {s}: kept, counted");
        }
    }

    async fn assert_audit_intact(&self) {
        let verdict = relais_db::audit::verify(&self.db.db).await.unwrap();
        assert!(
            matches!(verdict, relais_db::audit::Verdict::Intact { .. }),
            "{verdict:?}"
        );
    }

    async fn mails(&self, key: &str) -> i64 {
        let (n,): (i64,) = sqlx::query_as(
            "SELECT COUNT(*) FROM jobs WHERE kind = 'mail.send' AND payload LIKE $1",
        )
        .bind(format!("%{key}%"))
        .fetch_one(self.db.db.pool())
        .await
        .unwrap();
        n
    }
}

#[tokio::test]
async fn seats_then_waitlist_then_a_timed_offer_that_lapses_to_the_next() {
    let w = World::new().await;
    let s = w.session(2, |_| {}).await;
    let (a, st) = w.register(2, s).await.unwrap();
    assert_eq!(st, RegistrationStatus::Confirmed);
    assert_eq!(
        w.register(4, s).await.unwrap().1,
        RegistrationStatus::Confirmed
    );
    let (c, st) = w.register(5, s).await.unwrap();
    assert_eq!(st, RegistrationStatus::Waitlisted);
    let (d, _) = w.register(6, s).await.unwrap();
    let err = w.register(5, s).await.unwrap_err();
    assert!(
        matches!(err, relais_core::Error::Conflict { .. }),
        "registering twice: {err:?}"
    );

    registrations::cancel(&w.t, &w.person(2), a).await.unwrap();
    assert_eq!(w.status(c).await, "offered");
    assert_eq!(w.status(d).await, "waitlisted");
    let seats = sessions::get(&w.t.db, &w.clock, s).await.unwrap();
    assert_eq!(
        (
            seats.confirmed,
            seats.offered,
            seats.waitlisted,
            seats.seats_left
        ),
        (1, 1, 1, 0)
    );

    // 48 hours pass: the offer lapses and the next person is offered the seat.
    w.clock.advance_secs(48 * 3600 + 1);
    let worker = Worker::new(
        w.t.db.clone(),
        w.t.clock.clone(),
        vec![Arc::new(OfferExpiryJob(w.t.clone()))],
    );
    worker.run_pending().await.unwrap();
    assert_eq!(w.status(c).await, "cancelled");
    assert_eq!(w.status(d).await, "offered");
    let late = registrations::accept(&w.t, &w.person(5), c)
        .await
        .unwrap_err();
    assert!(format!("{late:?}").contains("training-error-offer-lapsed"));
    registrations::accept(&w.t, &w.person(6), d).await.unwrap();
    assert_eq!(w.status(d).await, "confirmed");
    // Confirmation mails carry the invitation; the cancellation its withdrawal.
    assert!(w.mails("METHOD:REQUEST").await >= 3);
    assert_eq!(w.mails("METHOD:CANCEL").await, 1);
    w.assert_seat_counts().await;
}

#[tokio::test]
async fn automatic_mode_confirms_the_next_at_once() {
    let w = World::new().await;
    let s = w
        .session(1, |s| s.waitlist_mode = Some("automatic".into()))
        .await;
    let (a, _) = w.register(2, s).await.unwrap();
    let (b, st) = w.register(4, s).await.unwrap();
    assert_eq!(st, RegistrationStatus::Waitlisted);
    registrations::cancel(&w.t, &w.person(2), a).await.unwrap();
    assert_eq!(w.status(b).await, "confirmed");
    w.assert_seat_counts().await;
}

#[tokio::test]
async fn the_window_and_the_audience_are_enforced() {
    let w = World::new().await;
    let early = w
        .session(5, |s| {
            s.registration_opens_at = Some("2020-03-10T00:00:00Z".into())
        })
        .await;
    assert!(
        format!("{:?}", w.register(2, early).await.unwrap_err()).contains("registration-closed")
    );
    let supervisors = w
        .session(5, |s| s.audience = Some(Audience::PhdSupervisors))
        .await;
    assert!(
        format!("{:?}", w.register(2, supervisors).await.unwrap_err()).contains("not-in-audience")
    );
    assert_eq!(
        w.register(1, supervisors).await.unwrap().1,
        RegistrationStatus::Confirmed
    );
    let (d,): (i64,) = sqlx::query_as("SELECT id FROM delegations WHERE code = 'DR-EST'")
        .fetch_one(w.db.db.pool())
        .await
        .unwrap();
    let est = w
        .session(5, |s| s.audience = Some(Audience::Delegations(vec![d])))
        .await;
    assert!(w.register(2, est).await.is_err());
    assert!(w.register(41, est).await.is_ok());
    let later = w.session(5, |_| {}).await;
    w.clock.advance_secs(30 * 86_400);
    assert!(
        format!("{:?}", w.register(2, later).await.unwrap_err()).contains("registration-closed")
    );
    w.assert_seat_counts().await;
}

#[tokio::test]
async fn bad_sessions_are_refused() {
    let w = World::new().await;
    let office = TrainingOffice::for_principal(&w.officer).unwrap();
    let course = courses::create(
        &w.t.db,
        &w.clock,
        Actor::SYSTEM,
        &office,
        NewCourse {
            title: "Atelier".into(),
            format: "workshop".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let base = |cap: i64, start: &str, end: &str| NewSession {
        starts_at: start.into(),
        ends_at: end.into(),
        capacity: cap,
        site_id: None,
        venue_address: None,
        video_link: None,
        trainers: vec![],
        registration_opens_at: None,
        registration_closes_at: None,
        audience: None,
        requires_approval: false,
        waitlist_mode: None,
        offer_hours: None,
        delegation_id: None,
    };
    for (s, field) in [
        (
            base(10, "2020-03-24T12:00:00Z", "2020-03-24T09:00:00Z"),
            "ends_at",
        ),
        (
            base(0, "2020-03-24T09:00:00Z", "2020-03-24T12:00:00Z"),
            "capacity",
        ),
        (
            base(-3, "2020-03-24T09:00:00Z", "2020-03-24T12:00:00Z"),
            "capacity",
        ),
        (base(10, "yesterday", "2020-03-24T12:00:00Z"), "starts_at"),
    ] {
        match sessions::create(&w.t.db, &w.clock, Actor::SYSTEM, &office, course, s).await {
            Err(relais_core::Error::Invalid { field: f, .. }) => assert_eq!(f, field),
            other => panic!("expected an error on {field}, got {other:?}"),
        }
    }
    let n = w.count("SELECT COUNT(*) FROM training_sessions", &[]).await;
    assert_eq!(n, 0, "nothing half-written");
    let agent = TrainingOffice::for_principal(&w.person(2));
    assert!(matches!(agent, Err(relais_core::Error::Forbidden)));
}

#[tokio::test]
async fn a_manager_approves_their_people_only_and_a_full_session_waitlists() {
    let w = World::new().await;
    let s = w.session(1, |s| s.requires_approval = true).await;
    let (a, st) = w.register(2, s).await.unwrap();
    assert_eq!(st, RegistrationStatus::Pending);
    let (b, _) = w.register(4, s).await.unwrap();
    let stranger = w.person(41);
    assert!(matches!(
        registrations::decide(&w.t, &stranger, a, true, None).await,
        Err(relais_core::Error::Forbidden)
    ));
    let boss = w.person(1);
    let pending = registrations::pending_for_manager(&w.t, boss.person_id)
        .await
        .unwrap();
    assert_eq!(pending.len(), 2);
    assert_eq!(
        registrations::decide(&w.t, &boss, a, true, Some("Bonne idée".into()))
            .await
            .unwrap(),
        RegistrationStatus::Confirmed
    );
    assert_eq!(
        registrations::decide(&w.t, &boss, b, true, None)
            .await
            .unwrap(),
        RegistrationStatus::Waitlisted,
        "no seat left: waitlisted"
    );
    assert!(
        registrations::decide(&w.t, &boss, b, false, None)
            .await
            .is_err(),
        "no longer pending"
    );
    w.assert_seat_counts().await;
}

#[tokio::test]
async fn an_officer_registers_someone_moves_them_and_may_exceed_capacity_with_a_reason() {
    let w = World::new().await;
    let s1 = w.session(1, |_| {}).await;
    let course: (i64,) = sqlx::query_as("SELECT course_id FROM training_sessions WHERE id = $1")
        .bind(s1)
        .fetch_one(w.db.db.pool())
        .await
        .unwrap();
    let office = TrainingOffice::for_principal(&w.officer).unwrap();
    let mk = |cap| NewSession {
        starts_at: "2020-04-07T09:00:00+02:00".into(),
        ends_at: "2020-04-07T12:00:00+02:00".into(),
        capacity: cap,
        site_id: None,
        venue_address: None,
        video_link: None,
        trainers: vec![],
        registration_opens_at: None,
        registration_closes_at: None,
        audience: None,
        requires_approval: false,
        waitlist_mode: None,
        offer_hours: None,
        delegation_id: None,
    };
    let s2 = sessions::create(&w.t.db, &w.clock, Actor::SYSTEM, &office, course.0, mk(1))
        .await
        .unwrap();
    let (a, _) = registrations::register(&w.t, &w.officer, s1, Some(w.people[1]), None)
        .await
        .unwrap();
    let (b, st) = registrations::register(&w.t, &w.officer, s1, Some(w.people[3]), None)
        .await
        .unwrap();
    assert_eq!(st, RegistrationStatus::Waitlisted);
    let (guest, st) = registrations::register(
        &w.t,
        &w.officer,
        s1,
        Some(w.people[4]),
        Some("Intervenant invité".into()),
    )
    .await
    .unwrap();
    assert_eq!(
        st,
        RegistrationStatus::Confirmed,
        "beyond capacity, with a reason"
    );
    assert!(
        registrations::register(&w.t, &w.person(2), s1, Some(w.people[5]), None)
            .await
            .is_err(),
        "an agent cannot register others"
    );

    assert_eq!(
        registrations::move_to(&w.t, &w.officer, a, s2)
            .await
            .unwrap(),
        RegistrationStatus::Confirmed
    );
    // Moving a confirmed registrant into a now-full session is refused, and nothing changes.
    assert!(
        format!(
            "{:?}",
            registrations::move_to(&w.t, &w.officer, guest, s2)
                .await
                .unwrap_err()
        )
        .contains("target-full")
    );
    assert_eq!(w.status(guest).await, "confirmed");
    let (at,): (i64,) = sqlx::query_as("SELECT session_id FROM registrations WHERE id = $1")
        .bind(guest)
        .fetch_one(w.db.db.pool())
        .await
        .unwrap();
    assert_eq!(at, s1);
    // A waitlisted person moves onto the other waitlist, keeping their arrival time.
    assert_eq!(
        registrations::move_to(&w.t, &w.officer, b, s2)
            .await
            .unwrap(),
        RegistrationStatus::Waitlisted
    );
    let logged = w
        .count(
            "SELECT COUNT(*) FROM audit_log WHERE details LIKE '%Intervenant invité%'",
            &[],
        )
        .await;
    assert_eq!(logged, 1);
    w.assert_seat_counts().await;
}

#[tokio::test]
async fn never_more_confirmed_than_capacity_under_a_race() {
    let w = World::new().await;
    let s = w.session(5, |_| {}).await;
    let mut tasks = Vec::new();
    for n in 2..=40 {
        let t = w.t.clone();
        let p = w.person(n);
        tasks.push(tokio::spawn(async move {
            registrations::register(&t, &p, s, None, None).await
        }));
    }
    let mut confirmed = 0;
    let mut waitlisted = 0;
    for task in tasks {
        match task.await.unwrap().unwrap().1 {
            RegistrationStatus::Confirmed => confirmed += 1,
            RegistrationStatus::Waitlisted => waitlisted += 1,
            other => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!((confirmed, waitlisted), (5, 34));
    let ids = w.seated(s).await;
    assert_eq!(ids.len(), 5);
    // Cancellations racing with registrations keep the invariant too.
    let mut tasks = Vec::new();
    for (id, person) in ids {
        let t = w.t.clone();
        let p = principal(PersonId(person), vec![]);
        tasks.push(tokio::spawn(async move {
            registrations::cancel(&t, &p, id).await
        }));
    }
    for task in tasks {
        task.await.unwrap().unwrap();
    }
    let held = w.count("SELECT COUNT(*) FROM registrations WHERE session_id = $1 AND status IN ('confirmed', 'offered')", &[s]).await;
    assert_eq!(
        held, 5,
        "every freed seat offered to the next in line, no more"
    );
    let _ = w.clock.now();
    w.assert_seat_counts().await;
}

#[tokio::test]
async fn a_group_is_decided_in_order_and_written_at_once() {
    use relais_training::registrar::{Ask, register_many};
    let w = World::new().await;
    let s = w.session(2, |_| {}).await;
    let ask = |n: usize, session: i64| Ask {
        caller: w.person(n),
        session_id: session,
        for_person: None,
        over_capacity_reason: None,
    };
    let entries_before = w.count("SELECT COUNT(*) FROM audit_log", &[]).await;
    let mails_before = w.mails("").await;
    let answers = register_many(
        &w.t,
        vec![
            ask(2, s),
            ask(3, s),
            ask(2, s),
            ask(4, s + 1000),
            ask(5, s),
            ask(6, s),
        ],
    )
    .await;
    let status = |i: usize| answers[i].as_ref().map(|a| a.1).ok();
    assert_eq!(status(0), Some(RegistrationStatus::Confirmed));
    assert_eq!(status(1), Some(RegistrationStatus::Confirmed));
    assert!(
        matches!(
            answers[2],
            Err(relais_core::Error::Conflict {
                field: "session",
                ..
            })
        ),
        "the same person twice in one group: {:?}",
        answers[2]
    );
    assert!(matches!(answers[3], Err(relais_core::Error::NotFound)));
    assert_eq!(status(4), Some(RegistrationStatus::Waitlisted));
    assert_eq!(status(5), Some(RegistrationStatus::Waitlisted));
    // The waitlist keeps the order of the group.
    let first = registrations::get(&w.t, &w.person(5), answers[4].as_ref().unwrap().0)
        .await
        .unwrap();
    let second = registrations::get(&w.t, &w.person(6), answers[5].as_ref().unwrap().0)
        .await
        .unwrap();
    assert_eq!((first.position, second.position), (Some(1), Some(2)));
    // One audit entry and one notice per registration written, chain intact.
    let entries_after = w.count("SELECT COUNT(*) FROM audit_log", &[]).await;
    assert_eq!(entries_after - entries_before, 4);
    assert_eq!(w.mails("").await - mails_before, 4);
    w.assert_audit_intact().await;
    w.assert_seat_counts().await;
}

#[tokio::test]
async fn the_registrar_answers_each_request_of_a_burst() {
    use relais_training::registrar::Registrar;
    let w = World::new().await;
    let s = w.session(5, |_| {}).await;
    let mut t = w.t.clone();
    t.registrar = Some(Registrar::start(w.t.clone()));
    let mut tasks = Vec::new();
    for n in 2..=40 {
        let (t, p) = (t.clone(), w.person(n));
        tasks.push(tokio::spawn(async move {
            registrations::register(&t, &p, s, None, None).await
        }));
    }
    let mut seen = std::collections::BTreeMap::new();
    for task in tasks {
        *seen
            .entry(format!("{:?}", task.await.unwrap().unwrap().1))
            .or_insert(0) += 1;
    }
    assert_eq!(
        seen,
        [("Confirmed".to_string(), 5), ("Waitlisted".to_string(), 34)].into()
    );
    let seated = w.seated(s).await;
    assert_eq!(seated.len(), 5);
    // The five seated cancel through the registrar while others register:
    // each freed seat is offered to the next in line, once.
    let mut tasks = Vec::new();
    for (id, person) in seated {
        let (t, p) = (t.clone(), principal(PersonId(person), vec![]));
        tasks.push(tokio::spawn(async move {
            registrations::cancel(&t, &p, id).await.map(|()| None)
        }));
    }
    let late = w.session(5, |_| {}).await;
    for n in 2..=6 {
        let (t, p) = (t.clone(), w.person(n));
        tasks.push(tokio::spawn(async move {
            registrations::register(&t, &p, late, None, None)
                .await
                .map(|(_, st)| Some(st))
        }));
    }
    for task in tasks {
        task.await.unwrap().unwrap();
    }
    let counts: Vec<(String, i64)> = sqlx::query_as(
        "SELECT status, COUNT(*) FROM registrations WHERE session_id = $1 GROUP BY status ORDER BY status",
    )
    .bind(s)
    .fetch_all(w.db.db.pool())
    .await
    .unwrap();
    assert_eq!(
        counts,
        vec![
            ("cancelled".to_string(), 5),
            ("offered".to_string(), 5),
            ("waitlisted".to_string(), 29)
        ]
    );
    let offers = w.offer_expiries().await;
    assert_eq!(offers, 5);
    w.assert_seat_counts().await;
}

#[tokio::test]
async fn the_registrar_keeps_the_order_requests_came_in_and_answers_a_bad_one_alone() {
    use std::future::Future;
    use std::task::Poll;

    use relais_training::registrar::{Ask, Registrar};
    let w = World::new().await;
    let s = w.session(3, |_| {}).await;
    let registrar = Registrar::start(w.t.clone());
    let ask = |caller: Principal, for_person: Option<PersonId>| Ask {
        caller,
        session_id: s,
        for_person,
        over_capacity_reason: None,
    };
    let mut asks: Vec<Ask> = (2..=33).map(|n| ask(w.person(n), None)).collect();
    // An office registering someone who does not exist, in the middle.
    asks.insert(10, ask(w.officer.clone(), Some(PersonId(i64::MAX))));
    // Queued in this order: each request is polled for the first time (and
    // so sent) in turn; the registrar prepares those that come while it
    // writes a group, and forms the next groups from them.
    let mut pending: Vec<_> = asks
        .into_iter()
        .map(|a| {
            let r = registrar.clone();
            Box::pin(async move { r.register(a).await })
        })
        .collect();
    let mut answers: Vec<Option<_>> = pending.iter().map(|_| None).collect();
    std::future::poll_fn(|cx| {
        let mut done = true;
        for (f, a) in pending.iter_mut().zip(answers.iter_mut()) {
            if a.is_none() {
                match f.as_mut().poll(cx) {
                    Poll::Ready(v) => *a = Some(v),
                    Poll::Pending => done = false,
                }
            }
        }
        if done { Poll::Ready(()) } else { Poll::Pending }
    })
    .await;
    let answers: Vec<_> = answers.into_iter().map(Option::unwrap).collect();
    assert!(
        matches!(
            answers[10],
            Err(relais_core::Error::Invalid {
                field: "person_id",
                ..
            })
        ),
        "{:?}",
        answers[10]
    );
    let mut waiting = 0;
    for (i, a) in answers.iter().enumerate().filter(|(i, _)| *i != 10) {
        let (id, status) = a.as_ref().unwrap();
        let person = if i < 10 { i + 2 } else { i + 1 };
        let r = registrations::get(&w.t, &w.person(person), *id)
            .await
            .unwrap();
        if i < 3 {
            assert_eq!(*status, RegistrationStatus::Confirmed, "request {i}");
        } else {
            // The waitlist is in the order the requests came.
            waiting += 1;
            assert_eq!(*status, RegistrationStatus::Waitlisted, "request {i}");
            assert_eq!(r.position, Some(waiting), "request {i}");
        }
    }
    assert_eq!(waiting, 29);
    w.assert_audit_intact().await;
    w.assert_seat_counts().await;
}

#[tokio::test]
async fn changes_and_registrations_share_one_group() {
    use relais_core::Error;
    use relais_training::registrar::{Ask, Done, Op, write_group};
    use relais_training::registrations::Change;
    let w = World::new().await;
    let s = w.session(2, |_| {}).await;
    let (a, _) = w.register(2, s).await.unwrap();
    let (b, _) = w.register(4, s).await.unwrap();
    let (c, st) = w.register(5, s).await.unwrap();
    assert_eq!(st, RegistrationStatus::Waitlisted);
    let entries_before = w.count("SELECT COUNT(*) FROM audit_log", &[]).await;
    let mails_before = w.mails("").await;
    let change = |n: usize, change: Change, id: i64| Op::Change {
        change,
        caller: w.person(n),
        id,
    };
    let answers = write_group(
        &w.t,
        vec![
            // P6 registers in the same group as P2 leaves: the seat P2 frees
            // goes to P5, first in line, not to P6.
            Op::Register(Ask {
                caller: w.person(6),
                session_id: s,
                for_person: None,
                over_capacity_reason: None,
            }),
            change(2, Change::Cancel, a),
            // Someone else's registration, an offer that does not exist, a
            // registration that does not exist: refused, nothing written.
            change(7, Change::Cancel, b),
            change(4, Change::Accept, b),
            change(4, Change::Cancel, a + b + c + 100),
            // The seat P2 frees is offered once the group's changes are
            // checked: P5 cannot accept it within this very group (as if
            // their acceptance had come first).
            change(5, Change::Accept, c),
        ],
    )
    .await;
    assert!(
        matches!(
            answers[0],
            Ok(Done::Registered(_, RegistrationStatus::Waitlisted))
        ),
        "{:?}",
        answers[0]
    );
    assert_eq!(answers[1].as_ref().ok(), Some(&Done::Changed));
    assert!(
        matches!(answers[2], Err(Error::Forbidden)),
        "{:?}",
        answers[2]
    );
    assert!(
        format!("{:?}", answers[3]).contains("training-error-no-offer"),
        "{:?}",
        answers[3]
    );
    assert!(
        matches!(answers[4], Err(Error::NotFound)),
        "{:?}",
        answers[4]
    );
    assert!(
        format!("{:?}", answers[5]).contains("training-error-no-offer"),
        "{:?}",
        answers[5]
    );
    assert_eq!(
        (w.status(a).await, w.status(b).await, w.status(c).await),
        ("cancelled".into(), "confirmed".into(), "offered".into())
    );
    // Entries: the cancellation, the promotion, the registration. Mails:
    // cancelled, offered, waitlisted.
    let entries_after = w.count("SELECT COUNT(*) FROM audit_log", &[]).await;
    assert_eq!(entries_after - entries_before, 3);
    assert_eq!(w.mails("").await - mails_before, 3);
    // In the next group P5 accepts.
    let answers = write_group(&w.t, vec![change(5, Change::Accept, c)]).await;
    assert_eq!(answers[0].as_ref().ok(), Some(&Done::Changed));
    assert_eq!(w.status(c).await, "confirmed");
    let (expiries,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM jobs WHERE dedup_key = $1")
        .bind(format!("offer-expiry:{c}"))
        .fetch_one(w.db.db.pool())
        .await
        .unwrap();
    assert_eq!(expiries, 1, "the offer's expiry is queued with the group");
    w.assert_audit_intact().await;
    w.assert_seat_counts().await;
}

#[tokio::test]
async fn a_group_s_cancellations_free_their_seats_together() {
    use relais_training::registrar::{Done, Op, write_group};
    use relais_training::registrations::Change;
    let w = World::new().await;
    // Two seats with a timed offer, one seat in automatic mode.
    let offer = w.session(2, |_| {}).await;
    let auto = w
        .session(1, |s| s.waitlist_mode = Some("automatic".into()))
        .await;
    let (a, _) = w.register(2, offer).await.unwrap();
    let (b, _) = w.register(4, offer).await.unwrap();
    let (c, _) = w.register(5, offer).await.unwrap();
    let (d, _) = w.register(6, offer).await.unwrap();
    let (e, _) = w.register(7, offer).await.unwrap();
    let (f, _) = w.register(2, auto).await.unwrap();
    let (g, st) = w.register(4, auto).await.unwrap();
    assert_eq!(st, RegistrationStatus::Waitlisted);
    let mails_before = w.mails("").await;
    let change = |n: usize, id: i64| Op::Change {
        change: Change::Cancel,
        caller: w.person(n),
        id,
    };
    let answers = write_group(
        &w.t,
        vec![
            change(2, a),
            // A second cancellation of the same registration sees the first.
            change(2, a),
            change(4, b),
            // P6, waitlisted second, leaves the line: the two freed seats go
            // to P5 and P7.
            change(6, d),
            change(2, f),
        ],
    )
    .await;
    assert_eq!(answers[0].as_ref().ok(), Some(&Done::Changed));
    assert!(
        format!("{:?}", answers[1]).contains("training-error-not-active"),
        "{:?}",
        answers[1]
    );
    for i in [2, 3, 4] {
        assert_eq!(answers[i].as_ref().ok(), Some(&Done::Changed), "{i}");
    }
    let mut statuses = Vec::new();
    for id in [a, b, c, d, e, f, g] {
        statuses.push(w.status(id).await);
    }
    assert_eq!(
        statuses,
        [
            "cancelled",
            "cancelled",
            "offered",
            "cancelled",
            "offered",
            "cancelled",
            "confirmed"
        ]
    );
    // Four cancellations, two offers, one confirmation; two expiries queued.
    assert_eq!(w.mails("").await - mails_before, 7);
    let expiries = w.offer_expiries().await;
    assert_eq!(expiries, 2);
    w.assert_audit_intact().await;
    w.assert_seat_counts().await;
}

#[tokio::test]
async fn a_waitlist_place_counts_only_those_still_waiting_ahead() {
    let w = World::new().await;
    let s = w.session(1, |_| {}).await;
    let other = w.session(1, |_| {}).await;
    w.register(2, s).await.unwrap();
    // Registered one after the other at the same instant (the test clock
    // stands still): the line follows the order of arrival.
    let mut line = Vec::new();
    for n in 3..=6 {
        let (id, st) = w.register(n, s).await.unwrap();
        assert_eq!(st, RegistrationStatus::Waitlisted);
        line.push(id);
    }
    w.register(7, other).await.unwrap();
    w.register(4, other).await.unwrap();
    // The second in line leaves.
    registrations::cancel(&w.t, &w.person(4), line[1])
        .await
        .unwrap();
    let place = |r: relais_core::Result<registrations::Registration>| r.unwrap().position;
    assert_eq!(
        place(registrations::get(&w.t, &w.person(3), line[0]).await),
        Some(1)
    );
    assert_eq!(
        place(registrations::get(&w.t, &w.person(5), line[2]).await),
        Some(2)
    );
    assert_eq!(
        place(registrations::get(&w.t, &w.person(6), line[3]).await),
        Some(3)
    );
    assert_eq!(
        place(registrations::get(&w.t, &w.officer, line[3]).await),
        Some(3)
    );
    // A person's own list: no place where they left, their own place elsewhere.
    let mine: Vec<(i64, Option<i64>)> = registrations::for_person(&w.t, w.people[3])
        .await
        .unwrap()
        .into_iter()
        .map(|r| (r.session_id, r.position))
        .collect();
    assert_eq!(mine, vec![(s, None), (other, Some(1))]);
    // Someone else's registration is not an agent's to read.
    assert!(matches!(
        registrations::get(&w.t, &w.person(3), line[3]).await,
        Err(relais_core::Error::Forbidden)
    ));
    w.assert_seat_counts().await;
}
