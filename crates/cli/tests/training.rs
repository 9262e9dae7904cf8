//! The training office through its API and pages, as scripts and people use
//! it, with what it emits read back by an independent iCalendar parser.

mod support;

use axum::http::StatusCode;
use support::{PASSWORD, TestApp, call, created};

/// A workshop course with two sessions of one seat, a week apart.
async fn two_one_seat_workshops(app: &TestApp, officer_token: &str) -> (i64, i64) {
    let course = created(
        app,
        "/api/v1/courses",
        officer_token,
        serde_json::json!({"title": "Atelier", "format": "workshop"}),
    )
    .await;
    let mut ids = Vec::new();
    for start in ["2020-03-24T09:00:00+01:00", "2020-03-31T09:00:00+02:00"] {
        let session = serde_json::json!({"starts_at": start, "ends_at": start.replace("T09", "T12"), "capacity": 1});
        ids.push(
            created(
                app,
                &format!("/api/v1/courses/{course}/sessions"),
                officer_token,
                session,
            )
            .await,
        );
    }
    (ids[0], ids[1])
}

fn parse_ics(text: &str) -> Vec<ical::parser::ical::component::IcalCalendar> {
    ical::IcalParser::new(std::io::BufReader::new(text.as_bytes()))
        .map(|c| c.expect("valid iCalendar"))
        .collect()
}

fn prop<'a>(props: &'a [ical::property::Property], name: &str) -> Option<&'a str> {
    props
        .iter()
        .find(|p| p.name == name)
        .and_then(|p| p.value.as_deref())
}

#[tokio::test]
async fn an_officer_builds_the_offer_and_agents_register_through_the_api() {
    let mut app = TestApp::new().await;
    let officer = app.account("it@x.test", &["training_officer"]).await;
    let agent = app.account("agent@x.test", &[]).await;
    let other = app.account("est@x.test", &[]).await;
    let (_, officer_token) = app.token(officer, 30).await;
    let (_, agent_token) = app.token(agent, 30).await;
    let (_, other_token) = app.token(other, 30).await;

    // Only title and format are needed for a course; agents may not create one.
    let r = call(
        &app,
        "POST",
        "/api/v1/courses",
        &agent_token,
        Some(serde_json::json!({"title": "X", "format": "webinar"})),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = call(
        &app,
        "POST",
        "/api/v1/courses",
        &officer_token,
        Some(serde_json::json!({"title": "Réunions à distance efficaces", "format": "zoom"})),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.json()["errors"][0]["field"], "format");
    let r = call(
        &app,
        "POST",
        "/api/v1/courses",
        &officer_token,
        Some(serde_json::json!({"title": "Réunions à distance efficaces", "format": "webinar"})),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let course = r.json()["id"].as_i64().unwrap();

    // "reunion" finds "Réunions".
    let found = call(&app, "GET", "/api/v1/courses?q=reunion", &agent_token, None)
        .await
        .json();
    assert_eq!(found["total"], 1);

    // Sessions: start, end and capacity are enough; bad ones are refused.
    let bad = call(&app, "POST", &format!("/api/v1/courses/{course}/sessions"), &officer_token,
        Some(serde_json::json!({"starts_at": "2020-03-24T12:00:00+01:00", "ends_at": "2020-03-24T09:00:00+01:00", "capacity": 1}))).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bad.json()["errors"][0]["field"], "ends_at");
    let r = call(&app, "POST", &format!("/api/v1/courses/{course}/sessions"), &officer_token,
        Some(serde_json::json!({"starts_at": "2020-03-24T09:00:00+01:00", "ends_at": "2020-03-24T12:00:00+01:00", "capacity": 1}))).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let session = r.json()["id"].as_i64().unwrap();

    let r = call(
        &app,
        "POST",
        &format!("/api/v1/sessions/{session}/registrations"),
        &agent_token,
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(r.json()["status"], "confirmed");
    let mine = r.json()["id"].as_i64().unwrap();
    let r = call(
        &app,
        "POST",
        &format!("/api/v1/sessions/{session}/registrations"),
        &agent_token,
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "registering twice");
    let r = call(
        &app,
        "POST",
        &format!("/api/v1/sessions/{session}/registrations"),
        &other_token,
        None,
    )
    .await;
    assert_eq!(r.json()["status"], "waitlisted");
    let theirs = r.json()["id"].as_i64().unwrap();
    // A place on the waitlist is not in the person's calendar.
    let feed = call(&app, "GET", "/api/v1/me/calendar.ics", &other_token, None).await;
    assert!(parse_ics(&feed.body)[0].events.is_empty(), "{}", feed.body);
    let s = call(
        &app,
        "GET",
        &format!("/api/v1/sessions/{session}"),
        &agent_token,
        None,
    )
    .await
    .json();
    assert_eq!(
        (
            s["capacity"].as_i64(),
            s["confirmed"].as_i64(),
            s["seats_left"].as_i64(),
            s["waitlisted"].as_i64()
        ),
        (Some(1), Some(1), Some(0), Some(1))
    );

    // The confirmation mail carries an invitation an independent parser reads.
    assert!(app.run_jobs().await >= 2);
    let mails = app.smtp.wait_for(2).await;
    let invite = mails
        .iter()
        .find(|m| m.to == vec!["agent@x.test".to_string()] && m.data.contains("method=REQUEST"))
        .expect("an invitation");
    assert!(invite.data.contains("invite.ics"));

    let ics = call(&app, "GET", "/api/v1/me/calendar.ics", &agent_token, None).await;
    assert_eq!(ics.status, StatusCode::OK);
    assert!(ics.content_type().starts_with("text/calendar"));
    let cal = parse_ics(&ics.body);
    assert_eq!(cal.len(), 1);
    assert_eq!(prop(&cal[0].properties, "METHOD"), Some("PUBLISH"));
    let ev = &cal[0].events[0];
    assert_eq!(prop(&ev.properties, "DTSTART"), Some("20200324T080000Z"));
    assert_eq!(
        prop(&ev.properties, "UID"),
        Some(format!("session-{session}@relais.test").as_str())
    );

    // Cancel: the seat is offered to the next person, who accepts it.
    let r = call(
        &app,
        "DELETE",
        &format!("/api/v1/registrations/{mine}"),
        &agent_token,
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["status"], "cancelled");
    let r = call(
        &app,
        "POST",
        &format!("/api/v1/registrations/{theirs}/accept"),
        &agent_token,
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "not theirs to accept");
    let r = call(
        &app,
        "POST",
        &format!("/api/v1/registrations/{theirs}/accept"),
        &other_token,
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["status"], "confirmed");
    // The seat accepted, the session is in their calendar.
    let feed = call(&app, "GET", "/api/v1/me/calendar.ics", &other_token, None).await;
    assert_eq!(parse_ics(&feed.body)[0].events.len(), 1, "{}", feed.body);
    let list = call(
        &app,
        "GET",
        &format!("/api/v1/sessions/{session}/registrations"),
        &officer_token,
        None,
    )
    .await;
    assert_eq!(list.json().as_array().unwrap().len(), 2);
    assert_eq!(
        call(
            &app,
            "GET",
            &format!("/api/v1/sessions/{session}/registrations"),
            &agent_token,
            None
        )
        .await
        .status,
        StatusCode::FORBIDDEN
    );

    // The cancellation withdrew the event from the agent's calendar.
    app.run_jobs().await;
    let mails = app.smtp.wait_for(4).await;
    let cancel = mails
        .iter()
        .find(|m| m.to == vec!["agent@x.test".to_string()] && m.data.contains("method=CANCEL"))
        .expect("a cancellation");
    assert!(cancel.header("Subject").is_some());
    let empty = call(&app, "GET", "/api/v1/me/calendar.ics", &agent_token, None).await;
    assert!(parse_ics(&empty.body)[0].events.is_empty());

    // Pages: the agent sees "my trainings"; the officer exports registrants for Excel.
    app.sign_in("it@x.test", PASSWORD).await;
    let csv = app
        .get(&format!("/training/sessions/{session}/registrants.csv"))
        .await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(csv.body.starts_with('\u{feff}'), "a BOM for French Excel");
    assert!(csv.body.contains(';'));
    app.cookies.clear();
    app.sign_in("agent@x.test", PASSWORD).await;
    assert_eq!(
        app.get(&format!("/training/sessions/{session}/registrants.csv"))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let my = app.get("/training/my").await;
    assert_eq!(my.status, StatusCode::OK);
    let r = app.post_form("/training/my/calendar", &[]).await;
    let start = r
        .body
        .find("/training/calendar/")
        .expect("the feed URL is shown once");
    let url = r.body[start..].split('<').next().unwrap().to_string();
    app.cookies.clear();
    let feed = app.get(&url).await;
    assert_eq!(feed.status, StatusCode::OK);
    assert_eq!(parse_ics(&feed.body).len(), 1);
    assert_eq!(
        app.get("/training/calendar/forged.ics").await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn officers_see_charts_export_xlsx_and_move_people_while_agents_filter_what_is_open_to_them()
{
    let mut app = TestApp::new().await;
    let officer = app.account("it@x.test", &["training_officer"]).await;
    let agent = app.account("agent@x.test", &[]).await;
    let (_, officer_token) = app.token(officer, 30).await;
    let (_, agent_token) = app.token(agent, 30).await;
    let course = created(
        &app,
        "/api/v1/courses",
        &officer_token,
        serde_json::json!({"title": "Encadrer à distance", "format": "workshop"}),
    )
    .await;
    let mk = |start: &str, end: &str, audience: serde_json::Value| serde_json::json!({"starts_at": start, "ends_at": end, "capacity": 5, "audience": audience});
    let open = created(
        &app,
        &format!("/api/v1/courses/{course}/sessions"),
        &officer_token,
        mk(
            "2020-03-24T09:00:00+01:00",
            "2020-03-24T12:00:00+01:00",
            serde_json::json!({"kind": "everyone"}),
        ),
    )
    .await;
    let supervisors = created(
        &app,
        &format!("/api/v1/courses/{course}/sessions"),
        &officer_token,
        mk(
            "2020-03-26T09:00:00+01:00",
            "2020-03-26T12:00:00+01:00",
            serde_json::json!({"kind": "phd_supervisors"}),
        ),
    )
    .await;

    let r = call(
        &app,
        "POST",
        &format!("/api/v1/sessions/{supervisors}/registrations"),
        &agent_token,
        None,
    )
    .await;
    assert_eq!(
        r.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "outside the audience"
    );
    let mine = call(
        &app,
        "POST",
        &format!("/api/v1/sessions/{open}/registrations"),
        &agent_token,
        None,
    )
    .await
    .json()["id"]
        .as_i64()
        .unwrap();

    // "Open to me" hides the session for PhD supervisors from the agent.
    app.sign_in("agent@x.test", PASSWORD).await;
    let all = app.get("/training?q=encadrer").await;
    assert!(
        all.body
            .contains(&format!("/training/sessions/{supervisors}"))
    );
    let mine_only = app.get("/training?q=encadrer&mine=1").await;
    assert!(
        !mine_only
            .body
            .contains(&format!("/training/sessions/{supervisors}"))
    );
    assert!(
        mine_only
            .body
            .contains(&format!("/training/sessions/{open}"))
    );
    assert_eq!(
        app.get(&format!("/training/sessions/{open}/registrants.xlsx"))
            .await
            .status,
        StatusCode::FORBIDDEN
    );

    // The officer moves the agent to the other session (keeping the seat), sees the chart and exports XLSX.
    let moved = call(
        &app,
        "POST",
        &format!("/api/v1/registrations/{mine}/move"),
        &officer_token,
        Some(serde_json::json!({"session_id": supervisors})),
    )
    .await;
    assert_eq!(moved.status, StatusCode::OK, "{}", moved.body);
    assert_eq!(moved.json()["session_id"], supervisors);
    assert_eq!(moved.json()["status"], "confirmed");
    app.cookies.clear();
    app.sign_in("it@x.test", PASSWORD).await;
    let page = app.get(&format!("/training/sessions/{supervisors}")).await;
    assert!(
        page.body.contains("<svg") && page.body.contains("<td>2020-03-17</td><td>1</td>"),
        "chart and its table"
    );
    let course_page = app.get(&format!("/training/courses/{course}")).await;
    assert!(course_page.body.contains("<svg"), "a chart for the series");
    let xlsx = app
        .get(&format!(
            "/training/sessions/{supervisors}/registrants.xlsx"
        ))
        .await;
    assert_eq!(xlsx.status, StatusCode::OK);
    assert!(xlsx.content_type().contains("spreadsheetml"));
    assert!(xlsx.body.starts_with("PK"), "an XLSX is a zip");
}

#[tokio::test]
async fn an_agent_records_following_a_mooc_recommended_by_delegations() {
    let mut app = TestApp::new().await;
    let officer = app.account("it@x.test", &["training_officer"]).await;
    app.account("agent@x.test", &[]).await;
    let (_, token) = app.token(officer, 30).await;
    let units = call(&app, "GET", "/api/v1/courses", &token, None).await;
    assert_eq!(units.json()["total"], 0);
    let d = app.delegation("DR-PACA").await;
    let r = call(&app, "POST", "/api/v1/courses", &token, Some(serde_json::json!({
        "title": "Bases de la bioinformatique", "format": "mooc", "link": "https://mooc.example.fr/bioinfo",
        "provider": "FUN MOOC", "effort_minutes": 1200, "recommended_by": [d]
    }))).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let mooc = r.json()["id"].as_i64().unwrap();
    let listed = call(
        &app,
        "GET",
        &format!("/api/v1/courses?delegation={d}&format=mooc"),
        &token,
        None,
    )
    .await
    .json();
    assert_eq!(listed["total"], 1, "recommended by DR-PACA");
    let webinar = created(
        &app,
        "/api/v1/courses",
        &token,
        serde_json::json!({"title": "Un webinaire", "format": "webinar"}),
    )
    .await;

    app.sign_in("agent@x.test", PASSWORD).await;
    // The catalogue lists the MOOC among the self-paced courses, unless
    // another format is asked for.
    for (query, listed) in [
        ("", true),
        ("?format=mooc", true),
        ("?format=elearning", false),
        ("?format=webinar", false),
    ] {
        let page = app.get(&format!("/training{query}")).await;
        assert_eq!(page.status, StatusCode::OK);
        assert_eq!(
            page.body.contains("Bases de la bioinformatique"),
            listed,
            "{query}: {}",
            page.body
        );
    }
    let page = app.get(&format!("/training/courses/{mooc}")).await;
    assert!(
        page.body.contains("J&#39;ai suivi ce module")
            || page.body.contains("J'ai suivi ce module"),
        "{}",
        page.body
    );
    let r = app
        .post_form(&format!("/training/courses/{mooc}/completed"), &[])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(
        app.get(&format!("/training/courses/{mooc}"))
            .await
            .body
            .contains("Vous avez suivi ce module.")
    );
    let r = app
        .post_form(&format!("/training/courses/{webinar}/completed"), &[])
        .await;
    assert_eq!(
        r.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a webinar is not self-paced"
    );
    let cat = app.get("/training?format=mooc").await;
    assert!(cat.body.contains("Bases de la bioinformatique"));
}

#[tokio::test]
async fn the_catalogue_shows_a_hundred_sessions_a_page_and_links_the_pages_with_their_filters() {
    let mut app = TestApp::new().await;
    let officer = app.account("it@x.test", &["training_officer"]).await;
    app.account("agent@x.test", &[]).await;
    let (_, token) = app.token(officer, 30).await;
    let course = created(
        &app,
        "/api/v1/courses",
        &token,
        serde_json::json!({"title": "Sauvegardes", "format": "webinar", "themes": ["Pagination"]}),
    )
    .await;
    for i in 0..101 {
        let start = format!("2020-{:02}-{:02}T09:00:00+02:00", 5 + i / 28, 1 + i % 28);
        let r = call(
            &app,
            "POST",
            &format!("/api/v1/courses/{course}/sessions"),
            &token,
            Some(serde_json::json!({
                "starts_at": start, "ends_at": start.replace("T09", "T11"), "capacity": 10
            })),
        )
        .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    }
    app.sign_in("agent@x.test", PASSWORD).await;
    let rows = |body: &str| body.matches("href=\"/training/sessions/").count();
    let link = |body: &str, rel: &str| {
        let at = body.find(&format!("rel=\"{rel}\""))?;
        let start = body[..at].rfind("href=\"")? + "href=\"".len();
        let end = start + body[start..].find('"')?;
        Some(body[start..end].replace("&#38;", "&").replace("&amp;", "&"))
    };
    let first = app.get("/training?theme=Pagination").await.body;
    assert_eq!(rows(&first), 100);
    assert_eq!(link(&first, "prev"), None);
    let next = link(&first, "next").expect("a link to the next page");
    assert_eq!(next, "/training?theme=Pagination&page=2");
    let second = app.get(&next).await.body;
    assert_eq!(rows(&second), 1, "the 101st session");
    assert_eq!(link(&second, "next"), None);
    assert_eq!(
        link(&second, "prev").as_deref(),
        Some("/training?theme=Pagination&page=1")
    );
    // The API's pages tell the same total whether full, last or past the end.
    for (page, items) in [(1, 40), (3, 21), (4, 0)] {
        let list = call(
            &app,
            "GET",
            &format!("/api/v1/sessions?course={course}&per_page=40&page={page}"),
            &token,
            None,
        )
        .await
        .json();
        assert_eq!(
            list["items"].as_array().unwrap().len(),
            items,
            "page {page}"
        );
        assert_eq!(list["total"], 101, "page {page}");
    }
    let none = call(&app, "GET", "/api/v1/sessions?course=999999", &token, None).await;
    assert_eq!(none.json()["total"], 0);
}

#[tokio::test]
async fn the_office_page_shows_the_sessions_its_officer_covers() {
    let mut app = TestApp::new().await;
    let officer = app.account("it@x.test", &["training_officer"]).await;
    app.account("paca@x.test", &["training_officer:delegation:DR-PACA"])
        .await;
    let (_, token) = app.token(officer, 30).await;
    let paca = app.delegation("DR-PACA").await;
    for (title, delegation) in [("Atelier régional", Some(paca)), ("Atelier national", None)] {
        let course = created(
            &app,
            "/api/v1/courses",
            &token,
            serde_json::json!({"title": title, "format": "webinar"}),
        )
        .await;
        let r = call(
            &app,
            "POST",
            &format!("/api/v1/courses/{course}/sessions"),
            &token,
            Some(serde_json::json!({
                "starts_at": "2020-05-12T09:00:00+02:00", "ends_at": "2020-05-12T11:00:00+02:00",
                "capacity": 10, "delegation_id": delegation
            })),
        )
        .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    }
    app.sign_in("it@x.test", PASSWORD).await;
    let national = app.get("/training/office").await.body;
    assert!(national.contains("Atelier régional") && national.contains("Atelier national"));
    app.sign_in("paca@x.test", PASSWORD).await;
    let regional = app.get("/training/office").await.body;
    assert!(
        regional.contains("Atelier régional") && !regional.contains("Atelier national"),
        "{regional}"
    );
}

#[tokio::test]
async fn the_catalogue_filters_by_theme_delegation_and_dates() {
    let mut app = TestApp::new().await;
    let officer = app.account("it@x.test", &["training_officer"]).await;
    let agent = app.account("agent@x.test", &[]).await;
    let (_, token) = app.token(officer, 30).await;
    let paca = app.delegation("DR-PACA").await;
    let course = |title: &str, theme: &str| serde_json::json!({"title": title, "format": "webinar", "themes": [theme]});
    let a = created(
        &app,
        "/api/v1/courses",
        &token,
        course("Outils collaboratifs", "Travail à distance"),
    )
    .await;
    let b = created(
        &app,
        "/api/v1/courses",
        &token,
        course("Manager à distance <b>en équipe</b>", "Management"),
    )
    .await;
    let session = |start: &str, delegation: Option<i64>| {
        serde_json::json!({
            "starts_at": start, "ends_at": start.replace("T09", "T11"), "capacity": 10, "delegation_id": delegation
        })
    };
    call(
        &app,
        "POST",
        &format!("/api/v1/courses/{a}/sessions"),
        &token,
        Some(session("2020-03-24T09:00:00+01:00", Some(paca))),
    )
    .await;
    call(
        &app,
        "POST",
        &format!("/api/v1/courses/{b}/sessions"),
        &token,
        Some(session("2020-04-14T09:00:00+02:00", None)),
    )
    .await;

    app.sign_in("agent@x.test", PASSWORD).await;
    let by_theme = app.get("/training?theme=Management").await.body;
    assert!(by_theme.contains("Manager à distance") && !by_theme.contains("Outils collaboratifs"));
    // A title is text, never markup, in the rows kept between requests.
    assert!(
        by_theme.contains("Manager à distance &#60;b&#62;en équipe&#60;/b&#62;")
            && !by_theme.contains("<b>en"),
        "{by_theme}"
    );
    let by_delegation = app.get(&format!("/training?delegation={paca}")).await.body;
    assert!(
        by_delegation.contains("Outils collaboratifs")
            && !by_delegation.contains("Manager à distance")
    );
    let by_dates = app
        .get("/training?from=2020-04-01&to=2020-04-30")
        .await
        .body;
    assert!(by_dates.contains("Manager à distance") && !by_dates.contains("Outils collaboratifs"));
    let bad = app.get("/training?from=not-a-date").await;
    assert_eq!(
        bad.status,
        StatusCode::OK,
        "a malformed date is ignored, not an error page"
    );

    // The catalogue's lines are kept between requests: a registration (an
    // audited change) shows at once.
    let url = format!("/training?delegation={paca}");
    assert!(app.get(&url).await.body.contains("10 places"));
    let course_url = format!("/training/courses/{a}");
    assert!(app.get(&course_url).await.body.contains("10 / 10"));
    let (_, agent_token) = app.token(agent, 30).await;
    let (session,): (i64,) =
        sqlx::query_as("SELECT id FROM training_sessions WHERE course_id = $1")
            .bind(a)
            .fetch_one(app.db.db.pool())
            .await
            .unwrap();
    let registered = call(
        &app,
        "POST",
        &format!("/api/v1/sessions/{session}/registrations"),
        &agent_token,
        None,
    )
    .await;
    assert_eq!(registered.json()["status"], "confirmed");
    assert!(app.get(&url).await.body.contains("9 places"));
    assert!(
        app.get(&course_url).await.body.contains("9 / 10"),
        "the course page too"
    );
    sqlx::query("UPDATE training_sessions SET capacity = 20 WHERE id = $1")
        .bind(session)
        .execute(app.db.db.pool())
        .await
        .unwrap();
    app.clock.advance_secs(2);
    assert!(app.get(&url).await.body.contains("9 places"), "kept");
    assert!(app.get(&course_url).await.body.contains("9 / 10"), "kept");
    // Until one of their sessions turns (opens, closes, ends), a minute at
    // most for what the audit log does not see.
    app.clock.advance_secs(60);
    assert!(app.get(&url).await.body.contains("19 places"));
    assert!(app.get(&course_url).await.body.contains("19 / 20"));
    // What time alone changes shows when it comes, however young the page:
    // the registration closing on the course page, the session leaving the
    // catalogue as it ends.
    let soon = |secs| relais_core::Clock::now(&app.clock).plus_secs(secs).0;
    sqlx::query(
        "UPDATE training_sessions SET registration_closes_at = $1, ends_at = $2 WHERE id = $3",
    )
    .bind(soon(65))
    .bind(soon(70))
    .bind(session)
    .execute(app.db.db.pool())
    .await
    .unwrap();
    app.clock.advance_secs(60);
    let page = app.get(&course_url).await.body;
    assert!(page.contains("Inscriptions ouvertes") && !page.contains("Inscriptions closes"));
    assert!(app.get(&url).await.body.contains("19 places"));
    app.clock.advance_secs(6);
    let page = app.get(&course_url).await.body;
    assert!(page.contains("Inscriptions closes"));
    assert!(app.get(&url).await.body.contains("19 places"));
    app.clock.advance_secs(5);
    assert!(
        !app.get(&url).await.body.contains("19 places"),
        "ended: off the list"
    );
}

#[tokio::test]
async fn a_waitlisted_person_moved_where_seats_are_free_gets_one() {
    let app = TestApp::new().await;
    let officer = app.account("it@x.test", &["training_officer"]).await;
    let a = app.account("agent@x.test", &[]).await;
    let b = app.account("est@x.test", &[]).await;
    let (_, ot) = app.token(officer, 30).await;
    let (_, at) = app.token(a, 30).await;
    let (_, bt) = app.token(b, 30).await;
    let (full, free) = two_one_seat_workshops(&app, &ot).await;
    call(
        &app,
        "POST",
        &format!("/api/v1/sessions/{full}/registrations"),
        &at,
        None,
    )
    .await;
    let waiting = call(
        &app,
        "POST",
        &format!("/api/v1/sessions/{full}/registrations"),
        &bt,
        None,
    )
    .await
    .json();
    assert_eq!(waiting["status"], "waitlisted");
    let moved = call(
        &app,
        "POST",
        &format!("/api/v1/registrations/{}/move", waiting["id"]),
        &ot,
        Some(serde_json::json!({"session_id": free})),
    )
    .await;
    assert_eq!(moved.status, StatusCode::OK, "{}", moved.body);
    assert_eq!(
        moved.json()["status"],
        "offered",
        "the free seat is offered at once"
    );
}

#[tokio::test]
async fn an_officer_registers_and_moves_people_from_the_session_page() {
    let mut app = TestApp::new().await;
    let officer = app.account("it@x.test", &["training_officer"]).await;
    app.account("agent@x.test", &[]).await;
    let (_, ot) = app.token(officer, 30).await;
    let (a, b) = two_one_seat_workshops(&app, &ot).await;
    app.sign_in("it@x.test", PASSWORD).await;
    let r = app
        .post_form(
            &format!("/training/sessions/{a}/register-someone"),
            &[("email", "nobody@x.test"), ("reason", "")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("role=\"alert\""));
    let r = app
        .post_form(
            &format!("/training/sessions/{a}/register-someone"),
            &[("email", "agent@x.test"), ("reason", "")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = app
        .post_form(
            &format!("/training/sessions/{a}/register-someone"),
            &[
                ("email", "directrice@x.test"),
                ("reason", "Oratrice invitée"),
            ],
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::SEE_OTHER,
        "beyond capacity with a reason"
    );
    let page = app.get(&format!("/training/sessions/{a}")).await;
    assert!(page.body.contains("Loïc Martin") && page.body.contains("Hélène Lefèvre"));
    assert!(
        page.body.contains(&format!("<option value=\"{b}\">")),
        "the other session is offered as a move target"
    );
    let (reg,): (i64,) = sqlx::query_as("SELECT r.id FROM registrations r JOIN people p ON p.id = r.person_id WHERE p.email = 'agent@x.test'")
        .fetch_one(app.db.db.pool())
        .await
        .unwrap();
    let b_text = b.to_string();
    let r = app
        .post_form(
            &format!("/training/registrations/{reg}/move"),
            &[("session_id", b_text.as_str())],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(
        r.location()
            .starts_with(&format!("/training/sessions/{b}?done=confirmed"))
    );
}
