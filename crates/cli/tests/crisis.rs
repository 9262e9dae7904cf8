//! A lockdown hits: the training office previews and applies a disruption
//! through the API and the pages, undoes it, applies it again, and the
//! notices reach registrants (with calendar updates an independent parser
//! reads) and providers (with links they answer through, once).

mod support;

use axum::http::StatusCode;
use mail_parser::{MessageParser, MimeHeaders};
use support::{TestApp, call, created};

fn calendar_of(raw: &str) -> Option<String> {
    let m = MessageParser::default().parse(raw.as_bytes())?;
    m.parts
        .iter()
        .find(|p| {
            p.content_type()
                .is_some_and(|c| c.c_type == "text" && c.subtype() == Some("calendar"))
        })
        .and_then(|p| p.text_contents().map(str::to_string))
}

fn text_of(raw: &str) -> String {
    let m = MessageParser::default().parse(raw.as_bytes()).unwrap();
    m.body_text(0).unwrap_or_default().into_owned()
}

fn prop(props: &[ical::property::Property], name: &str) -> Option<String> {
    props
        .iter()
        .find(|p| p.name == name)
        .and_then(|p| p.value.clone())
}

fn parse_ics(text: &str) -> Vec<ical::parser::ical::component::IcalCalendar> {
    ical::IcalParser::new(std::io::BufReader::new(text.as_bytes()))
        .map(|c| c.expect("valid iCalendar"))
        .collect()
}

struct World {
    officer: String,
    agent: String,
    /// 24 March (7 days ahead), 20 April (34 days), 2 April (16 days).
    s1: i64,
    s2: i64,
    s3: i64,
}

/// Three sessions of an in-person course, four registrations, three providers
/// with contracts. The clock stands at 2020-03-17 08:00 UTC.
async fn world(app: &TestApp) -> World {
    let officer = app.account("it@x.test", &["training_officer"]).await;
    let agent = app.account("agent@x.test", &[]).await;
    let phd = app.account("doctorante@x.test", &[]).await;
    let other = app.account("est@x.test", &[]).await;
    let officer = app.token(officer, 30).await.1;
    let agent = app.token(agent, 30).await.1;
    let phd = app.token(phd, 30).await.1;
    let other = app.token(other, 30).await.1;
    let paca = app.delegation("DR-PACA").await;
    let course = created(
        app,
        "/api/v1/courses",
        &officer,
        serde_json::json!({"title": "Cytométrie en flux", "format": "in_person"}),
    )
    .await;
    let mut ids = Vec::new();
    for (start, end) in [
        ("2020-03-24T09:00:00+01:00", "2020-03-24T17:00:00+01:00"),
        ("2020-04-20T09:00:00+02:00", "2020-04-20T17:00:00+02:00"),
        ("2020-04-02T09:00:00+02:00", "2020-04-02T17:00:00+02:00"),
    ] {
        ids.push(
            created(
                app,
                &format!("/api/v1/courses/{course}/sessions"),
                &officer,
                serde_json::json!({"starts_at": start, "ends_at": end, "capacity": 2, "venue_address": "Centre de congrès, Marseille", "delegation_id": paca}),
            )
            .await,
        );
    }
    let (s1, s2, s3) = (ids[0], ids[1], ids[2]);
    for (token, session) in [(&agent, s1), (&phd, s1), (&other, s1), (&agent, s2)] {
        created(
            app,
            &format!("/api/v1/sessions/{session}/registrations"),
            token,
            serde_json::json!({}),
        )
        .await;
    }
    let provider = |kind: &str, name: &str, email: &str, lang: &str| serde_json::json!({"kind": kind, "name": name, "email": email, "language": lang});
    let trainer = created(
        app,
        "/api/v1/providers",
        &officer,
        provider(
            "trainer",
            "Dr Claire Formatrice",
            "claire@formation.test",
            "fr",
        ),
    )
    .await;
    let venue = created(
        app,
        "/api/v1/providers",
        &officer,
        provider("venue", "Centre de congrès", "salles@congres.test", "fr"),
    )
    .await;
    let hotel = created(
        app,
        "/api/v1/providers",
        &officer,
        provider("hotel", "Hôtel du Port", "booking@hotel.test", "en"),
    )
    .await;
    let contract = |label: &str, cents: i64, terms: serde_json::Value, sessions: Vec<i64>| serde_json::json!({"label": label, "amount_cents": cents, "budget_line": "FORM-2020-NAT", "terms": terms, "sessions": sessions});
    let t = |pairs: &[(i64, i64)]| {
        serde_json::Value::Array(
            pairs
                .iter()
                .map(|(d, p)| serde_json::json!({"until_days_before": d, "percent": p}))
                .collect(),
        )
    };
    created(
        app,
        &format!("/api/v1/providers/{trainer}/contracts"),
        &officer,
        contract("Honoraires", 120_000, t(&[(30, 0), (7, 50)]), vec![s1, s2]),
    )
    .await;
    created(
        app,
        &format!("/api/v1/providers/{venue}/contracts"),
        &officer,
        contract(
            "Location de salle",
            200_000,
            t(&[(30, 0), (14, 50)]),
            vec![s1],
        ),
    )
    .await;
    created(
        app,
        &format!("/api/v1/providers/{hotel}/contracts"),
        &officer,
        contract("Chambres", 90_000, t(&[(21, 0), (7, 30)]), vec![s1, s3]),
    )
    .await;
    World {
        officer,
        agent,
        s1,
        s2,
        s3,
    }
}

fn request(w: &World) -> serde_json::Value {
    serde_json::json!({
        "from": "2020-03-18", "to": "2020-04-30", "action": "postpone",
        "changes": [
            {"session": w.s2, "action": "online", "video_link": "https://visio.example.test/cyto"},
            {"session": w.s3, "action": "cancel"}
        ]
    })
}

#[tokio::test]
async fn contract_terms_that_overlap_or_decrease_are_refused() {
    let app = TestApp::new().await;
    let w = world(&app).await;
    let p = created(
        &app,
        "/api/v1/providers",
        &w.officer,
        serde_json::json!({"kind": "venue", "name": "Salle", "email": "salle@x.test"}),
    )
    .await;
    for (terms, key) in [
        (
            serde_json::json!([{"until_days_before": 30, "percent": 0}, {"until_days_before": 30, "percent": 50}]),
            "chevauch",
        ),
        (
            serde_json::json!([{"until_days_before": 30, "percent": 50}, {"until_days_before": 7, "percent": 20}]),
            "moins",
        ),
    ] {
        let r = call(
            &app,
            "POST",
            &format!("/api/v1/providers/{p}/contracts"),
            &w.officer,
            Some(serde_json::json!({"label": "Salle", "amount_cents": 1000, "budget_line": "B", "terms": terms, "sessions": [w.s1]})),
        )
        .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        assert_eq!(r.json()["errors"][0]["field"], "terms");
        let _ = key;
    }
    assert_eq!(
        app.count("SELECT COUNT(*) FROM training_contracts WHERE label = 'Salle'")
            .await,
        0
    );
    // Agents may not see providers.
    let r = call(&app, "GET", "/api/v1/providers", &w.agent, None).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_disruption_is_previewed_applied_undone_and_sent_once() {
    let mut app = TestApp::new().await;
    let w = world(&app).await;
    let body = request(&w);

    // The preview changes nothing and shows people, providers and costs.
    let r = call(
        &app,
        "POST",
        "/api/v1/disruptions/preview",
        &w.officer,
        Some(body.clone()),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let p = r.json();
    assert_eq!(p["sessions"].as_array().unwrap().len(), 3);
    assert_eq!(p["people"].as_array().unwrap().len(), 4);
    assert_eq!(p["people_count"], 3);
    assert_eq!(p["notices"], 4 + 3);
    // S1 postponed 7 days ahead: the room at 100 % (2,000.00), half the hotel
    // block at 30 % (135.00), the trainer kept; S3 cancelled 15 days ahead:
    // the other half of the hotel at 30 % (135.00); S2 online: trainer kept.
    assert_eq!(p["cost_cents"], 200_000 + 13_500 + 13_500, "{p:#}");
    let trainer = p["providers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["kind"] == "trainer")
        .unwrap();
    assert_eq!(trainer["owed_cents"], 0);
    assert!(
        trainer["lines"]
            .as_array()
            .unwrap()
            .iter()
            .all(|l| l["released"] == false)
    );
    assert_eq!(
        app.count(
            "SELECT COUNT(*) FROM training_sessions WHERE status <> 'scheduled' OR mode IS NOT NULL"
        )
        .await,
        0
    );

    // Apply, then undo before the notices leave.
    let r = call(
        &app,
        "POST",
        "/api/v1/disruptions",
        &w.officer,
        Some(body.clone()),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let first = r.json()["id"].as_i64().unwrap();
    let s1 = call(
        &app,
        "GET",
        &format!("/api/v1/sessions/{}", w.s1),
        &w.agent,
        None,
    )
    .await
    .json();
    assert_eq!(s1["status"], "postponed");
    let s2 = call(
        &app,
        "GET",
        &format!("/api/v1/sessions/{}", w.s2),
        &w.agent,
        None,
    )
    .await
    .json();
    assert_eq!(
        (
            s2["format"].as_str(),
            s2["video_link"].as_str(),
            s2["venue_address"].as_str()
        ),
        (
            Some("webinar"),
            Some("https://visio.example.test/cyto"),
            None
        )
    );
    let s3 = call(
        &app,
        "GET",
        &format!("/api/v1/sessions/{}", w.s3),
        &w.agent,
        None,
    )
    .await
    .json();
    assert_eq!(s3["status"], "cancelled");
    // Nobody registers for a postponed session.
    let r = call(
        &app,
        "POST",
        &format!("/api/v1/sessions/{}/registrations", w.s1),
        &w.officer,
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    let ledger = call(&app, "GET", "/api/v1/ledger", &w.officer, None)
        .await
        .json();
    assert_eq!(ledger["total_cents"], 227_000);
    assert_eq!(ledger["lines"].as_array().unwrap().len(), 3);

    let r = call(
        &app,
        "POST",
        &format!("/api/v1/disruptions/{first}/undo"),
        &w.officer,
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["status"], "undone");
    let s2 = call(
        &app,
        "GET",
        &format!("/api/v1/sessions/{}", w.s2),
        &w.agent,
        None,
    )
    .await
    .json();
    assert_eq!(
        (s2["format"].as_str(), s2["venue_address"].as_str()),
        (Some("in_person"), Some("Centre de congrès, Marseille"))
    );
    assert_eq!(
        call(&app, "GET", "/api/v1/ledger", &w.officer, None)
            .await
            .json()["total_cents"],
        0
    );
    let r = call(
        &app,
        "POST",
        &format!("/api/v1/disruptions/{first}/undo"),
        &w.officer,
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::CONFLICT);

    // The undone disruption sends nothing, even after its delay.
    let before_confirmations = app.run_jobs().await;
    assert!(before_confirmations >= 4, "the registration notices");
    let mails_before = app.smtp.messages().len();
    app.clock.advance_secs(11 * 60);
    app.run_jobs().await;
    assert_eq!(app.smtp.messages().len(), mails_before);

    // Applied again; after the delay the notices leave, once.
    let r = call(
        &app,
        "POST",
        "/api/v1/disruptions",
        &w.officer,
        Some(body.clone()),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let second = r.json()["id"].as_i64().unwrap();
    app.run_jobs().await;
    assert_eq!(
        app.smtp.messages().len(),
        mails_before,
        "nothing leaves during the undo delay"
    );
    app.clock.advance_secs(11 * 60);
    app.run_jobs().await;
    app.run_jobs().await;
    let mails = app.smtp.wait_for(mails_before + 7).await;
    let new: Vec<_> = mails[mails_before..].to_vec();
    assert_eq!(
        new.len(),
        7,
        "{:#?}",
        new.iter().map(|m| m.header("Subject")).collect::<Vec<_>>()
    );
    let r = call(
        &app,
        "POST",
        &format!("/api/v1/disruptions/{second}/undo"),
        &w.officer,
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(r.body.contains("avis"), "{}", r.body);

    // The agent's notices: S1 withdrawn from the calendar, S2 updated with the link.
    let agent: Vec<_> = new
        .iter()
        .filter(|m| m.to == vec!["agent@x.test".to_string()])
        .collect();
    assert_eq!(agent.len(), 2);
    let confirmation = mails[..mails_before]
        .iter()
        .filter(|m| m.to == vec!["agent@x.test".to_string()])
        .find_map(|m| calendar_of(&m.data).filter(|c| c.contains(&format!("session-{}@", w.s1))))
        .expect("the first invitation");
    let old_seq: i64 = prop(
        &parse_ics(&confirmation)[0].events[0].properties,
        "SEQUENCE",
    )
    .unwrap()
    .parse()
    .unwrap();
    let mut methods = Vec::new();
    for m in &agent {
        let ics = calendar_of(&m.data).expect("a calendar part");
        let cal = &parse_ics(&ics)[0];
        let ev = &cal.events[0];
        let uid = prop(&ev.properties, "UID").unwrap();
        let seq: i64 = prop(&ev.properties, "SEQUENCE").unwrap().parse().unwrap();
        let method = prop(&cal.properties, "METHOD").unwrap();
        if uid == format!("session-{}@relais.test", w.s1) {
            assert_eq!(method, "CANCEL");
            assert_eq!(prop(&ev.properties, "STATUS").as_deref(), Some("CANCELLED"));
            assert!(seq > old_seq, "{seq} > {old_seq}");
            assert!(text_of(&m.data).contains("reportée"));
        } else {
            assert_eq!(uid, format!("session-{}@relais.test", w.s2));
            assert_eq!(method, "REQUEST");
            assert!(ics.contains("visio.example.test/cyto"));
        }
        methods.push(method);
    }
    methods.sort();
    assert_eq!(methods, ["CANCEL", "REQUEST"]);
    // The waitlisted person is told, without a calendar change.
    let waiting = new
        .iter()
        .find(|m| m.to == vec!["est@x.test".to_string()])
        .unwrap();
    assert!(calendar_of(&waiting.data).is_none());

    // Each provider: one notice with what is owed and two links; the hotel in English.
    let hotel = new
        .iter()
        .find(|m| m.to == vec!["booking@hotel.test".to_string()])
        .unwrap();
    let text = text_of(&hotel.data);
    // Counted in calendar days: S1 still 7 days away, S3 16 (30 % of each half).
    assert!(text.contains("270,00 €"), "{text}");
    assert!(text.contains("Please acknowledge"), "{text}");
    let trainer = new
        .iter()
        .find(|m| m.to == vec!["claire@formation.test".to_string()])
        .unwrap();
    let text = text_of(&trainer.data);
    assert!(text.contains("maintenu"), "{text}");
    let links: Vec<&str> = text
        .split_whitespace()
        .filter(|w| w.starts_with("http://relais.test/training/providers/links/"))
        .collect();
    assert_eq!(links.len(), 2, "{text}");
    let ack = links[0].trim_start_matches("http://relais.test");
    let avail = links[1].trim_start_matches("http://relais.test");

    // The provider acknowledges once; a second use is refused and changes nothing.
    let page = app.get(ack).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("Dr Claire Formatrice"));
    let r = app.post_form(ack, &[("acknowledge", "1")]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let r = app.post_form(ack, &[("acknowledge", "1")]).await;
    assert_eq!(r.status, StatusCode::GONE);
    assert!(r.body.contains("déjà servi"), "{}", r.body);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'provider.acknowledge'")
            .await,
        1
    );
    // A bad month is a field error; the link still works afterwards.
    let r = app.post_form(avail, &[("m_2020-13", "yes")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    // After expiry, the availability link is refused.
    app.clock.advance_secs(31 * 86_400);
    let r = app.post_form(avail, &[("m_2020-09", "yes")]).await;
    assert_eq!(r.status, StatusCode::GONE);
    assert!(r.body.contains("expiré"), "{}", r.body);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM training_provider_availability")
            .await,
        0
    );
}

#[tokio::test]
async fn bad_disruptions_are_refused_whole() {
    let app = TestApp::new().await;
    let w = world(&app).await;
    let try_ = |body: serde_json::Value| {
        let app = &app;
        let token = w.officer.clone();
        async move { call(app, "POST", "/api/v1/disruptions", &token, Some(body)).await }
    };
    // Online without a link.
    let r = try_(serde_json::json!({"sessions": [w.s1], "action": "online"})).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.json()["errors"][0]["field"], "video_link");
    // Nothing selected.
    let r = try_(serde_json::json!({"action": "cancel"})).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    // A change for a session outside the selection.
    let r = try_(serde_json::json!({"sessions": [w.s1], "action": "cancel", "changes": [{"session": w.s2, "action": "postpone"}]})).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.json()["errors"][0]["field"], "changes");
    // Beyond the plan's end.
    sqlx::query("INSERT INTO training_plans (name, starts_at, ends_at, created_at) VALUES ('Plan 2020', $1, $2, $1)")
        .bind(relais_core::Timestamp::from_jiff("2020-01-01T00:00:00Z".parse().unwrap()).0)
        .bind(relais_core::Timestamp::from_jiff("2020-12-31T23:00:00Z".parse().unwrap()).0)
        .execute(app.db.db.pool())
        .await
        .unwrap();
    let r = try_(serde_json::json!({"sessions": [w.s1, w.s2], "action": "postpone",
        "changes": [{"session": w.s1, "action": "reschedule", "starts_at": "2021-02-01T09:00:00+01:00"}]}))
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("fin du plan"), "{}", r.body);
    // Within the plan it is accepted.
    let r = try_(
        serde_json::json!({"sessions": [w.s1], "action": "reschedule",
        "changes": [{"session": w.s1, "starts_at": "2020-10-06T09:00:00+02:00"}]}),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let s1 = call(
        &app,
        "GET",
        &format!("/api/v1/sessions/{}", w.s1),
        &w.agent,
        None,
    )
    .await
    .json();
    assert_eq!(s1["starts_at"], "2020-10-06T07:00:00Z");
    assert_eq!(
        s1["ends_at"], "2020-10-06T15:00:00Z",
        "the same length as before"
    );
    // Nothing else was written by the refused ones.
    assert_eq!(
        app.count("SELECT COUNT(*) FROM training_disruptions").await,
        1
    );
    assert_eq!(
        app.count(
            "SELECT COUNT(*) FROM training_sessions WHERE status <> 'scheduled' OR mode IS NOT NULL"
        )
        .await,
        0
    );
    // Agents may not disrupt.
    let r = call(
        &app,
        "POST",
        "/api/v1/disruptions/preview",
        &w.agent,
        Some(request(&w)),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_officer_disrupts_from_the_pages_and_downloads_the_ledger() {
    let mut app = TestApp::new().await;
    let w = world(&app).await;
    app.sign_in("it@x.test", support::PASSWORD).await;
    let page = app
        .get("/training/office/disruptions?from=2020-03-18&to=2020-04-30&action=postpone")
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains(&format!("name=\"a_{}\"", w.s2)),
        "{}",
        page.body
    );
    let (s1, s2, s3) = (w.s1.to_string(), w.s2.to_string(), w.s3.to_string());
    let fields = [
        ("action".to_string(), "postpone".to_string()),
        (format!("s_{s1}"), "1".into()),
        (format!("s_{s2}"), "1".into()),
        (format!("s_{s3}"), "1".into()),
        (format!("a_{s1}"), "postpone".into()),
        (format!("a_{s2}"), "online".into()),
        (format!("l_{s2}"), "https://visio.example.test/x".into()),
        (format!("a_{s3}"), "cancel".into()),
    ];
    let f: Vec<(&str, &str)> = fields
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let preview = app
        .post_form("/training/office/disruptions/preview", &f)
        .await;
    assert_eq!(preview.status, StatusCode::OK, "{}", preview.body);
    assert!(
        preview.body.contains("2\u{202f}270,00 €"),
        "{}",
        preview.body
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM training_disruptions").await,
        0
    );
    // A missing link for a session moved online comes back as a message.
    let mut no_link = f.clone();
    no_link.retain(|(k, _)| !k.starts_with("l_"));
    let r = app
        .post_form("/training/office/disruptions/preview", &no_link)
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("lien de visioconférence"), "{}", r.body);

    let r = app.post_form("/training/office/disruptions", &f).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let at = r.location().to_string();
    let page = app.get(&at).await;
    assert!(page.body.contains("annulable"), "{}", page.body);
    let ledger = app.get("/training/office/ledger").await;
    assert!(ledger.body.contains("Centre de congrès"));
    assert!(ledger.body.contains("2\u{202f}270,00 €"));
    let xlsx = app.get("/training/office/ledger.xlsx").await;
    assert_eq!(xlsx.status, StatusCode::OK);
    assert!(xlsx.content_type().contains("spreadsheetml"));
    let cells = xlsx.xlsx_text();
    assert!(cells.contains("Centre de congrès"), "{cells}");
    assert!(
        cells.contains(">2270<"),
        "the amount owed, as a number: {cells}"
    );

    // Undo from the page.
    let id = at
        .trim_start_matches("/training/office/disruptions/")
        .split('?')
        .next()
        .unwrap();
    let r = app
        .post_form(&format!("/training/office/disruptions/{id}/undo"), &[])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM training_sessions WHERE status <> 'scheduled'")
            .await,
        0
    );

    // Providers are made from the pages too, with terms as people type them.
    let r = app
        .post_form(
            "/training/office/providers",
            &[
                ("kind", "hotel"),
                ("name", "Hôtel Bellevue"),
                ("email", "resa@bellevue.test"),
                ("language", "fr"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let p = r.location().to_string();
    let r = app
        .post_form(
            &format!("{p}/contracts"),
            &[
                ("label", "Nuitées"),
                ("amount", "1 250,50"),
                ("budget_line", "B1"),
                ("terms", "30:0, 7:50"),
                ("sessions", &s1),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = app
        .post_form(
            &format!("{p}/contracts"),
            &[
                ("label", "Nuitées"),
                ("amount", "10"),
                ("budget_line", "B1"),
                ("terms", "7:50, 30:60, 3:10"),
                ("sessions", &s1),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let page = app.get(&p).await;
    assert!(page.body.contains("1\u{202f}250,50 €"), "{}", page.body);
}

#[tokio::test]
async fn the_plan_shows_where_the_work_went() {
    let app = TestApp::new().await;
    let w = world(&app).await;
    let plan = serde_json::json!({"name": "Plan 2020", "periods": [
        {"name": "S1 2020", "starts_on": "2020-01-01", "ends_on": "2020-06-30", "capacity_days": 500},
        {"name": "S2 2020", "starts_on": "2020-07-01", "ends_on": "2020-12-31", "capacity_days": 400}
    ]});
    let overlapping = serde_json::json!({"name": "Bad", "periods": [
        {"name": "A", "starts_on": "2020-01-01", "ends_on": "2020-06-30", "capacity_days": 1},
        {"name": "B", "starts_on": "2020-06-01", "ends_on": "2020-12-31", "capacity_days": 1}
    ]});
    let r = call(&app, "POST", "/api/v1/plans", &w.officer, Some(overlapping)).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_eq!(r.json()["errors"][0]["field"], "periods");
    let id = created(&app, "/api/v1/plans", &w.officer, plan).await;
    let first = call(
        &app,
        "GET",
        &format!("/api/v1/plans/{id}"),
        &w.officer,
        None,
    )
    .await
    .json();
    let period = first["periods"][0]["id"].as_i64().unwrap();
    let course = call(
        &app,
        "GET",
        &format!("/api/v1/sessions/{}", w.s1),
        &w.officer,
        None,
    )
    .await
    .json()["course_id"]
        .as_i64()
        .unwrap();
    let r = call(&app, "POST", &format!("/api/v1/plans/{id}/lines"), &w.officer,
        Some(serde_json::json!({"period_id": period, "course_id": course, "sessions": 3, "trainee_days": 6, "budget_cents": 500_000}))).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
    let r = call(
        &app,
        "POST",
        "/api/v1/disruptions",
        &w.officer,
        Some(request(&w)),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let view = call(
        &app,
        "GET",
        &format!("/api/v1/plans/{id}"),
        &w.officer,
        None,
    )
    .await
    .json();
    let s1 = &view["load"][0]["total"];
    assert_eq!(s1["planned_sessions"], 3);
    assert_eq!(s1["postponed_sessions"], 1);
    // Two seats held, one day: two trainee-days to carry over.
    assert_eq!(s1["postponed_trainee_days"], 2);
    assert_eq!(s1["cancelled_sessions"], 1);
    assert_eq!(
        s1["coming_sessions"], 1,
        "the session moved online still comes"
    );
    assert_eq!(view["load"][0]["remaining_days"], 500 - 1);
    assert_eq!(view["load"][1]["total"]["coming_sessions"], 0);
}

#[tokio::test]
async fn agents_say_when_they_would_travel_and_the_office_sees_it_by_delegation() {
    let mut app = TestApp::new().await;
    let w = world(&app).await;
    let paca = app.delegation("DR-PACA").await;
    let id = created(
        &app,
        "/api/v1/surveys",
        &w.officer,
        serde_json::json!({
        "title": "Reprise des formations en présentiel", "months": ["2020-06", "2020-09"],
        "delegations": [paca], "closes_on": "2020-04-30"}),
    )
    .await;
    let answer = |month: &str, answer: &str| serde_json::json!({"answers": [{"month": month, "answer": answer}]});
    let r = call(
        &app,
        "POST",
        &format!("/api/v1/surveys/{id}/answers"),
        &w.agent,
        Some(answer("2020-06", "online")),
    )
    .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
    let r = call(
        &app,
        "POST",
        &format!("/api/v1/surveys/{id}/answers"),
        &w.agent,
        Some(answer("2020-09", "headquarters")),
    )
    .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
    // A month the survey does not ask about; someone outside its audience.
    let r = call(
        &app,
        "POST",
        &format!("/api/v1/surveys/{id}/answers"),
        &w.agent,
        Some(answer("2020-07", "online")),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let est = sqlx::query_as::<_, (i64,)>("SELECT id FROM people WHERE email = 'est@x.test'")
        .fetch_one(app.db.db.pool())
        .await
        .unwrap()
        .0;
    let est = app.token(relais_core::PersonId(est), 1).await.1;
    let r = call(
        &app,
        "POST",
        &format!("/api/v1/surveys/{id}/answers"),
        &est,
        Some(answer("2020-06", "region")),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("autres délégations"), "{}", r.body);

    // The doctorante answers from her page.
    app.sign_in("doctorante@x.test", support::PASSWORD).await;
    let my = app.get("/training/my").await;
    assert!(
        my.body.contains(&format!("/training/surveys/{id}")),
        "{}",
        my.body
    );
    let r = app
        .post_form(
            &format!("/training/surveys/{id}"),
            &[("m_2020-06", "region"), ("m_2020-09", "headquarters")],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let page = app.get(&format!("/training/surveys/{id}")).await;
    assert!(
        page.body.contains("value=\"region\" checked"),
        "her answer is shown back"
    );

    let results = call(
        &app,
        "GET",
        &format!("/api/v1/surveys/{id}/results"),
        &w.officer,
        None,
    )
    .await
    .json();
    assert_eq!(results["people"], 2);
    assert_eq!(
        results["all"][0],
        serde_json::json!({"month": "2020-06", "headquarters": 0, "region": 1, "online": 1})
    );
    assert_eq!(results["all"][1]["headquarters"], 2);
    assert_eq!(results["delegations"].as_array().unwrap().len(), 1);
    // After closing, answers are refused.
    app.clock.advance_secs(60 * 86_400);
    let agent = sqlx::query_as::<_, (i64,)>("SELECT id FROM people WHERE email = 'agent@x.test'")
        .fetch_one(app.db.db.pool())
        .await
        .unwrap()
        .0;
    let agent = app.token(relais_core::PersonId(agent), 1).await.1;
    let r = call(
        &app,
        "POST",
        &format!("/api/v1/surveys/{id}/answers"),
        &agent,
        Some(answer("2020-06", "region")),
    )
    .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    // The office's page draws the chart and the table.
    app.cookies.clear();
    let r = app.sign_in("it@x.test", support::PASSWORD).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = app.get(&format!("/training/office/surveys/{id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("<svg") && page.body.contains("2020-09"));
}

#[tokio::test]
async fn postponed_sessions_are_replanned_explained_and_accepted() {
    let app = TestApp::new().await;
    let w = world(&app).await;
    let paca = app.delegation("DR-PACA").await;
    created(&app, "/api/v1/providers", &w.officer, serde_json::json!({
        "kind": "venue", "name": "Salle du Pharo", "email": "pharo@x.test", "delegation_id": paca, "seats": 30})).await;
    let plan = created(&app, "/api/v1/plans", &w.officer, serde_json::json!({"name": "Plan 2020", "periods": [
        {"name": "S1 2020", "starts_on": "2020-01-01", "ends_on": "2020-06-30", "capacity_days": 500},
        {"name": "S2 2020", "starts_on": "2020-07-01", "ends_on": "2020-12-31", "capacity_days": 500}]})).await;
    // Nothing postponed yet: nothing to plan.
    let r = call(
        &app,
        "POST",
        &format!("/api/v1/plans/{plan}/replan"),
        &w.officer,
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    let r = call(
        &app,
        "POST",
        "/api/v1/disruptions",
        &w.officer,
        Some(serde_json::json!({"sessions": [w.s1, w.s3], "action": "postpone"})),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);

    // Nobody in the delegation would travel before 2021: no date, and the planner says why.
    let months: Vec<String> = (3..=12).map(|m| format!("2020-{m:02}")).collect();
    let survey = created(
        &app,
        "/api/v1/surveys",
        &w.officer,
        serde_json::json!({
        "title": "Reprise", "months": months, "delegations": [paca], "closes_on": "2020-04-30"}),
    )
    .await;
    let answers: Vec<serde_json::Value> = months
        .iter()
        .map(|m| serde_json::json!({"month": m, "answer": "online"}))
        .collect();
    let r = call(
        &app,
        "POST",
        &format!("/api/v1/surveys/{survey}/answers"),
        &w.agent,
        Some(serde_json::json!({"answers": answers})),
    )
    .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
    let r = call(
        &app,
        "POST",
        &format!("/api/v1/plans/{plan}/replan"),
        &w.officer,
        Some(serde_json::json!({"time_limit_secs": 5})),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let none = r.json();
    assert_eq!(none["placed"], 0, "{none:#}");
    assert_eq!(none["unplaced"], 2);
    let why = none["proposals"][0]["reasons"].as_array().unwrap();
    assert!(
        why.iter()
            .any(|x| x.as_str().unwrap().contains("acceptent de se déplacer")),
        "{why:?}"
    );
    assert!(none["bound"].as_f64().unwrap() <= none["objective"].as_f64().unwrap());

    // With no threshold, both are placed; the bound and the gap come with them.
    let r = call(
        &app,
        "POST",
        &format!("/api/v1/plans/{plan}/replan"),
        &w.officer,
        Some(serde_json::json!({"willingness_threshold": 0.0, "time_limit_secs": 5})),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let rp = r.json();
    assert_eq!(rp["placed"], 2, "{rp:#}");
    let gap = rp["gap"].as_f64().unwrap();
    assert!((0.0..=1.0).contains(&gap), "{gap}");
    assert!(rp["bound"].as_f64().unwrap() <= rp["objective"].as_f64().unwrap());
    let first = &rp["proposals"][0];
    let starts = first["starts_at"].as_str().unwrap();
    // Fourteen days of notice at least, same time of day, not in August, on a working day.
    let day: jiff::Timestamp = starts.parse().unwrap();
    let local = day.in_tz("Europe/Paris").unwrap();
    assert!(local.date() >= jiff::civil::date(2020, 3, 31), "{starts}");
    assert_eq!(local.hour(), 9, "{starts}");
    assert_ne!(local.month(), 8);
    assert!(!matches!(
        local.weekday(),
        jiff::civil::Weekday::Saturday | jiff::civil::Weekday::Sunday
    ));
    assert_eq!(first["venue"], "Salle du Pharo");
    // The two sessions of the course are at least a week apart.
    let other: jiff::Timestamp = rp["proposals"][1]["starts_at"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((other.as_second() - day.as_second()).abs() >= 7 * 86_400);

    // Accept the first: the session is back, at its new date, its registrants told first.
    let id = first["id"].as_i64().unwrap();
    let session = first["session_id"].as_i64().unwrap();
    app.run_jobs().await;
    let before = app.smtp.messages().len();
    let r = call(
        &app,
        "POST",
        &format!("/api/v1/proposals/{id}/accept"),
        &w.officer,
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
    let s = call(
        &app,
        "GET",
        &format!("/api/v1/sessions/{session}"),
        &w.agent,
        None,
    )
    .await
    .json();
    assert_eq!(s["starts_at"], starts);
    assert_ne!(s["status"], "postponed");
    let r = call(
        &app,
        "POST",
        &format!("/api/v1/proposals/{id}/accept"),
        &w.officer,
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    // The plan shows the session carried out of March and into its new period.
    let view = call(
        &app,
        "GET",
        &format!("/api/v1/plans/{plan}"),
        &w.officer,
        None,
    )
    .await
    .json();
    let out: i64 = view["load"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["total"]["carried_out"].as_i64().unwrap())
        .sum();
    let inn: i64 = view["load"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["total"]["carried_in"].as_i64().unwrap())
        .sum();
    assert_eq!((out, inn), (1, 1), "{view:#}");
    assert_eq!(view["load"][0]["total"]["carried_out"], 1);
    app.run_jobs().await;
    let held = app.count("SELECT COUNT(*) FROM registrations r JOIN training_proposals p ON p.session_id = r.session_id WHERE p.status = 'accepted' AND r.status IN ('confirmed', 'waitlisted', 'offered', 'pending')").await;
    let mails = app.smtp.wait_for(before + held as usize).await;
    let invites = mails[before..]
        .iter()
        .filter(|m| calendar_of(&m.data).is_some_and(|c| c.contains("METHOD:REQUEST")))
        .count();
    assert!(invites >= 1, "seat holders get the calendar invitation");
    // Reject the other: it stays postponed.
    let other_id = rp["proposals"][1]["id"].as_i64().unwrap();
    let r = call(
        &app,
        "POST",
        &format!("/api/v1/proposals/{other_id}/reject"),
        &w.officer,
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    let other_session = rp["proposals"][1]["session_id"].as_i64().unwrap();
    let s = call(
        &app,
        "GET",
        &format!("/api/v1/sessions/{other_session}"),
        &w.agent,
        None,
    )
    .await
    .json();
    assert_eq!(s["status"], "postponed");
}

#[tokio::test]
async fn a_released_contract_is_charged_once_and_a_postponed_session_can_still_be_cancelled() {
    let app = TestApp::new().await;
    let w = world(&app).await;
    let apply = |body: serde_json::Value| {
        let (app, token) = (&app, w.officer.clone());
        async move { call(app, "POST", "/api/v1/disruptions", &token, Some(body)).await }
    };
    // Postponed: the room (2,000.00 at 100 %) and half the hotel block (135.00) are released.
    let r = apply(serde_json::json!({"sessions": [w.s1], "action": "postpone"})).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(r.json()["cost_cents"], 213_500);
    // A postponed session cannot go online (it has no date), but it can be cancelled.
    let r = apply(serde_json::json!({"sessions": [w.s1], "action": "online", "video_link": "https://v.test/x"})).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_eq!(r.json()["errors"][0]["field"], "action");
    let r = apply(serde_json::json!({"sessions": [w.s1], "action": "cancel"})).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let p = r.json();
    // Only the trainer's half of the fee (600.00 at 50 %) is new; room and hotel are not charged again.
    assert_eq!(p["cost_cents"], 30_000, "{p:#}");
    let ledger = call(&app, "GET", "/api/v1/ledger", &w.officer, None)
        .await
        .json();
    assert_eq!(ledger["total_cents"], 213_500 + 30_000);
    let s1 = call(
        &app,
        "GET",
        &format!("/api/v1/sessions/{}", w.s1),
        &w.agent,
        None,
    )
    .await
    .json();
    assert_eq!(s1["status"], "cancelled");
    // A filter never picks a cancelled or postponed session again.
    let r =
        apply(serde_json::json!({"from": "2020-03-18", "to": "2020-03-25", "action": "cancel"}))
            .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
}

#[tokio::test]
async fn a_regional_office_sees_and_moves_only_its_delegations() {
    let mut app = TestApp::new().await;
    let w = world(&app).await;
    let est = app
        .account("dr-est@x.test", &["training_officer:delegation:DR-EST"])
        .await;
    let est = app.token(est, 30).await.1;
    let r = call(
        &app,
        "POST",
        "/api/v1/disruptions",
        &w.officer,
        Some(request(&w)),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let id = r.json()["id"].as_i64().unwrap();
    // Listed among the recent disruptions of the national office, not of
    // the East's, nor of an office scoped to a unit, which covers no
    // delegation.
    app.account("u2001@x.test", &["training_officer:unit:U2001"])
        .await;
    let link = format!("href=\"/training/office/disruptions/{id}\"");
    for (email, listed) in [
        ("it@x.test", true),
        ("dr-est@x.test", false),
        ("u2001@x.test", false),
    ] {
        app.sign_in(email, support::PASSWORD).await;
        let page = app.get("/training/office/disruptions").await;
        assert_eq!(page.status, StatusCode::OK, "{email}");
        assert_eq!(page.body.contains(&link), listed, "{email}: {}", page.body);
    }
    // The PACA sessions are not the East's to read, undo or select.
    let r = call(
        &app,
        "GET",
        &format!("/api/v1/disruptions/{id}"),
        &est,
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = call(
        &app,
        "POST",
        &format!("/api/v1/disruptions/{id}/undo"),
        &est,
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let ledger = call(&app, "GET", "/api/v1/ledger", &est, None).await.json();
    assert_eq!(ledger["lines"].as_array().unwrap().len(), 0);
    assert_eq!(
        call(&app, "GET", "/api/v1/ledger", &w.officer, None)
            .await
            .json()["total_cents"],
        227_000
    );
    let r = call(
        &app,
        "POST",
        "/api/v1/disruptions/preview",
        &est,
        Some(serde_json::json!({"from": "2020-03-18", "to": "2020-04-30", "action": "cancel"})),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    // Nor the answers of a survey that asked the whole institute.
    let survey = created(
        &app,
        "/api/v1/surveys",
        &w.officer,
        serde_json::json!({
        "title": "Reprise", "months": ["2020-09"], "closes_on": "2020-04-30"}),
    )
    .await;
    let r = call(
        &app,
        "GET",
        &format!("/api/v1/surveys/{survey}/results"),
        &est,
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
}
