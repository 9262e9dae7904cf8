//! The IT service desk end to end: the API as scripts use it, access by
//! role (nobody reads another's ticket or attachment by guessing ids), the
//! knowledge base's search, known issues and automatic closing, the public
//! form and follow links, and the demo. Mail is in `desk_mail.rs`.

mod desk_support;
mod support;

use axum::http::{StatusCode, header};
use desk_support::*;
use support::{PASSWORD, TestApp, call, created};

#[tokio::test]
async fn tickets_through_the_api_with_access_by_role() {
    let app = TestApp::new().await;
    let p = people(&app).await;

    // Subject and description are enough; the category is guessed.
    let id = created(&app, "/api/v1/tickets", &p.agent, serde_json::json!({"subject": "Ma box ne marche plus", "description": "Depuis ce matin, plus d'internet."})).await;
    let t = call(
        &app,
        "GET",
        &format!("/api/v1/tickets/{id}"),
        &p.agent,
        None,
    )
    .await
    .json();
    assert_eq!(t["category"], "home_box");
    assert_eq!(t["status"], "new");
    assert_eq!(t["unit_code"], "U1001");
    assert!(t["sla"]["first_response_minutes_left"].as_i64().unwrap() > 0);

    // Bad input: field errors as problem+json, nothing written.
    let before = app.count("SELECT COUNT(*) FROM desk_tickets").await;
    let r = call(
        &app,
        "POST",
        "/api/v1/tickets",
        &p.agent,
        Some(serde_json::json!({"subject": " ", "description": "x"})),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.content_type(), "application/problem+json");
    assert_eq!(r.json()["errors"][0]["field"], "subject");
    let r = call(
        &app,
        "POST",
        "/api/v1/tickets",
        &p.agent,
        Some(serde_json::json!({"subject": "a", "description": "b", "category": "printer"})),
    )
    .await;
    assert_eq!(r.json()["errors"][0]["field"], "category");
    let r = call(
        &app,
        "POST",
        "/api/v1/tickets",
        &p.agent,
        Some(serde_json::json!({"subject": 3})),
    )
    .await;
    // JSON of the wrong shape is a 422 naming the field (see docs/api.md).
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.content_type(), "application/problem+json");
    assert_eq!(app.count("SELECT COUNT(*) FROM desk_tickets").await, before);

    // Guessing ids: a colleague and someone far away get 404, like a missing ticket.
    for token in [&p.colleague, &p.far] {
        let r = call(&app, "GET", &format!("/api/v1/tickets/{id}"), token, None).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);
        let r = call(
            &app,
            "POST",
            &format!("/api/v1/tickets/{id}/replies"),
            token,
            Some(serde_json::json!({"body": "moi aussi"})),
        )
        .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
    }
    assert_eq!(
        call(&app, "GET", "/api/v1/tickets/999999", &p.staff, None)
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let list = call(&app, "GET", "/api/v1/tickets", &p.colleague, None)
        .await
        .json();
    assert_eq!(list["total"], 0);

    // The unit's IT correspondent sees it; IT staff too, and adds a note the agent never sees.
    assert_eq!(
        call(
            &app,
            "GET",
            &format!("/api/v1/tickets/{id}"),
            &p.correspondent,
            None
        )
        .await
        .status,
        StatusCode::OK
    );
    // …and acts on it: a public reply the agent sees, an internal note they do not.
    created(
        &app,
        &format!("/api/v1/tickets/{id}/replies"),
        &p.correspondent,
        serde_json::json!({"body": "Je passe dans ton bureau à 14 h."}),
    )
    .await;
    created(
        &app,
        &format!("/api/v1/tickets/{id}/replies"),
        &p.correspondent,
        serde_json::json!({"body": "Poste à changer, voir inventaire.", "internal": true}),
    )
    .await;
    let seen = bodies(&app, id, &p.agent).await;
    assert!(
        seen.iter().any(|b| b == "Je passe dans ton bureau à 14 h."),
        "{seen:?}"
    );
    assert!(
        !seen
            .iter()
            .any(|b| b == "Poste à changer, voir inventaire."),
        "{seen:?}"
    );
    // Someone of another unit cannot answer it (404, as if it did not exist).
    assert_eq!(
        call(
            &app,
            "POST",
            &format!("/api/v1/tickets/{id}/replies"),
            &p.far,
            Some(serde_json::json!({"body": "intrus"})),
        )
        .await
        .status,
        StatusCode::NOT_FOUND
    );
    created(
        &app,
        &format!("/api/v1/tickets/{id}/replies"),
        &p.staff,
        serde_json::json!({"body": "Panne opérateur probable", "internal": true}),
    )
    .await;
    created(
        &app,
        &format!("/api/v1/tickets/{id}/replies"),
        &p.staff,
        serde_json::json!({"body": "Pouvez-vous redémarrer la box ?"}),
    )
    .await;
    let seen = call(
        &app,
        "GET",
        &format!("/api/v1/tickets/{id}"),
        &p.agent,
        None,
    )
    .await
    .json();
    let bodies: Vec<&str> = seen["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["body"].as_str().unwrap())
        .collect();
    assert!(bodies.contains(&"Pouvez-vous redémarrer la box ?"));
    assert!(!bodies.contains(&"Panne opérateur probable"), "{bodies:?}");
    assert_eq!(seen["status"], "in_progress");
    assert!(seen["first_response_at"].is_string());
    let staff_view = call(
        &app,
        "GET",
        &format!("/api/v1/tickets/{id}"),
        &p.staff,
        None,
    )
    .await
    .json();
    assert!(
        staff_view["messages"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["kind"] == "internal")
    );

    // An agent may not write an internal note.
    let r = call(
        &app,
        "POST",
        &format!("/api/v1/tickets/{id}/replies"),
        &p.agent,
        Some(serde_json::json!({"body": "x", "internal": true})),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);

    // The public reply went out by mail, with the reference in its subject.
    app.run_jobs().await;
    let mails = app.smtp.wait_for(2).await;
    let reply = mails
        .iter()
        .find(|m| m.data.contains("Pouvez-vous"))
        .expect("reply mailed");
    assert!(
        reply
            .header("Subject")
            .unwrap()
            .contains(&format!("[#{id}]")),
        "{:?}",
        reply.header("Subject")
    );
    assert_eq!(reply.to, vec!["agent@x.test".to_string()]);
    // Written by a person, it is sent as such; the acknowledgement is marked
    // automatic (RFC 3834), so that out-of-office replies leave it alone.
    assert_eq!(reply.header("Auto-Submitted"), None);
    let ack = mails
        .iter()
        .find(|m| m.header("Auto-Submitted").is_some())
        .expect("the acknowledgement");
    assert_eq!(
        ack.header("Auto-Submitted").as_deref(),
        Some("auto-generated")
    );

    // Opening for someone else: the correspondent for their unit, not an agent.
    let (colleague_id,): (i64,) =
        sqlx::query_as("SELECT id FROM people WHERE email = 'doctorante@x.test'")
            .fetch_one(app.db.db.pool())
            .await
            .unwrap();
    created(&app, "/api/v1/tickets", &p.correspondent, serde_json::json!({"subject": "VPN", "description": "Ne se connecte pas", "requester_person_id": colleague_id})).await;
    let r = call(&app, "POST", "/api/v1/tickets", &p.agent, Some(serde_json::json!({"subject": "VPN", "description": "x", "requester_person_id": colleague_id}))).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(
        call(&app, "GET", "/api/v1/tickets?mine=true", &p.colleague, None)
            .await
            .json()["total"],
        1
    );

    // The document describes the endpoints.
    let doc = anon(&app, "/api/openapi.json").await;
    for path in [
        "/api/v1/tickets",
        "/api/v1/tickets/{id}",
        "/api/v1/tickets/{id}/replies",
        "/api/v1/kb/search",
        "/api/v1/known-issues",
    ] {
        assert!(doc["paths"][path].is_object(), "{path} missing");
    }
}

#[tokio::test]
async fn attachments_are_checked_and_only_readable_with_the_ticket() {
    let mut app = TestApp::new().await;
    let p = people(&app).await;
    let d = desk(&app);
    let agent = support_principal(&app, "agent@x.test").await;
    let ok = relais_desk::attachments::Upload {
        file_name: "capture.png".into(),
        content_type: "image/png".into(),
        data: b"\x89PNG....".to_vec(),
    };
    let bad = relais_desk::attachments::Upload {
        file_name: "outil.exe".into(),
        content_type: "application/octet-stream".into(),
        data: b"MZ..".to_vec(),
    };
    let nt = || relais_desk::tickets::NewTicket {
        subject: "Écran".into(),
        description: "Voir la capture".into(),
        ..Default::default()
    };
    let before = app.count("SELECT COUNT(*) FROM desk_tickets").await;
    let e = relais_desk::tickets::create(
        &d,
        &agent,
        nt(),
        vec![ok.clone(), bad],
        relais_desk::Channel::Web,
    )
    .await
    .unwrap_err();
    assert!(
        matches!(
            e,
            relais_core::Error::Invalid {
                field: "attachments",
                ..
            }
        ),
        "{e:?}"
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM desk_tickets").await,
        before,
        "nothing written"
    );
    let id = relais_desk::tickets::create(&d, &agent, nt(), vec![ok], relais_desk::Channel::Web)
        .await
        .unwrap();
    let (att,): (i64,) = sqlx::query_as("SELECT id FROM desk_attachments WHERE ticket_id = $1")
        .bind(id)
        .fetch_one(app.db.db.pool())
        .await
        .unwrap();

    // Pages: the owner downloads it; a colleague guessing the id gets 404.
    app.sign_in("agent@x.test", PASSWORD).await;
    let r = app
        .get(&format!("/desk/tickets/{id}/attachments/{att}"))
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(
        r.headers
            .get(header::CONTENT_DISPOSITION)
            .unwrap()
            .to_str()
            .unwrap()
            .contains("attachment")
    );
    app.cookies.clear();
    app.sign_in("doctorante@x.test", PASSWORD).await;
    assert_eq!(
        app.get(&format!("/desk/tickets/{id}/attachments/{att}"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get(&format!("/desk/tickets/{id}")).await.status,
        StatusCode::NOT_FOUND
    );
    // The same attachment id under a ticket one may see is no way in either.
    let own = created(
        &app,
        "/api/v1/tickets",
        &p.colleague,
        serde_json::json!({"subject": "x", "description": "y"}),
    )
    .await;
    assert_eq!(
        app.get(&format!("/desk/tickets/{own}/attachments/{att}"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let _ = p;
}

#[tokio::test]
async fn a_known_issue_takes_matching_tickets_and_one_answer_resolves_them_all() {
    let app = TestApp::new().await;
    let p = people(&app).await;
    let d = desk(&app);
    let staff = support_principal(&app, "it@x.test").await;
    let issue = relais_desk::known_issues::publish(
        &d,
        &staff,
        relais_desk::known_issues::NewKnownIssue {
            title: "Coupure d'un opérateur".into(),
            body: "Box hors service dans le Sud".into(),
            category: None,
            keywords: "box".into(),
        },
    )
    .await
    .unwrap();
    let shown = call(&app, "GET", "/api/v1/known-issues", &p.agent, None)
        .await
        .json();
    assert_eq!(shown[0]["id"], issue);
    let a = created(
        &app,
        "/api/v1/tickets",
        &p.agent,
        serde_json::json!({"subject": "Ma box ne marche plus", "description": "rien"}),
    )
    .await;
    let b = created(
        &app,
        "/api/v1/tickets",
        &p.colleague,
        serde_json::json!({"subject": "Plus d'internet", "description": "la box clignote"}),
    )
    .await;
    let c = created(
        &app,
        "/api/v1/tickets",
        &p.colleague,
        serde_json::json!({"subject": "VPN", "description": "refusé"}),
    )
    .await;
    for (t, token, attached) in [
        (a, &p.agent, true),
        (b, &p.colleague, true),
        (c, &p.colleague, false),
    ] {
        let j = call(&app, "GET", &format!("/api/v1/tickets/{t}"), token, None)
            .await
            .json();
        assert_eq!(
            j["known_issue_id"].as_i64() == Some(issue),
            attached,
            "ticket {t}"
        );
    }
    app.run_jobs().await;
    let before = app.smtp.messages().len();
    let n =
        relais_desk::known_issues::resolve(&d, &staff, issue, "L'opérateur a rétabli le service.")
            .await
            .unwrap();
    assert_eq!(n, 2);
    for t in [a, b] {
        let j = call(&app, "GET", &format!("/api/v1/tickets/{t}"), &p.staff, None)
            .await
            .json();
        assert_eq!(j["status"], "resolved");
    }
    app.run_jobs().await;
    let mails = app.smtp.wait_for(before + 2).await;
    let told: Vec<String> = mails[before..].iter().flat_map(|m| m.to.clone()).collect();
    assert!(
        told.contains(&"agent@x.test".to_string())
            && told.contains(&"doctorante@x.test".to_string()),
        "{told:?}"
    );
    assert!(
        call(&app, "GET", "/api/v1/known-issues", &p.agent, None)
            .await
            .json()
            .as_array()
            .unwrap()
            .is_empty()
    );

    // Resolved tickets close by themselves after the delay, unless the requester answers.
    created(
        &app,
        &format!("/api/v1/tickets/{b}/replies"),
        &p.colleague,
        serde_json::json!({"body": "Chez moi, toujours rien"}),
    )
    .await;
    app.clock.advance_secs(8 * 86_400);
    app.run_jobs().await;
    let status = |t: i64| {
        let app = &app;
        let tok = p.staff.clone();
        async move {
            call(app, "GET", &format!("/api/v1/tickets/{t}"), &tok, None)
                .await
                .json()["status"]
                .clone()
        }
    };
    assert_eq!(status(a).await, "closed");
    assert_eq!(status(b).await, "in_progress");
}

#[tokio::test]
async fn the_knowledge_base_finds_french_words_ranked_and_highlighted() {
    let app = TestApp::new().await;
    let p = people(&app).await;
    let d = desk(&app);
    let staff = support_principal(&app, "it@x.test").await;
    let art = |title: &str, body: &str, audience: &str| relais_desk::kb::ArticleInput {
        title: title.into(),
        body: body.into(),
        category: "home_box".into(),
        audience: audience.into(),
        status: "published".into(),
        review_on: Some("2020-09-01".into()),
    };
    let box_id = relais_desk::kb::create(
        &d,
        &staff,
        art(
            "Redémarrer sa box internet",
            "Débranchez la box, attendez trente secondes. <script>alert(1)</script>",
            "public",
        ),
        None,
    )
    .await
    .unwrap();
    relais_desk::kb::create(
        &d,
        &staff,
        art(
            "Connexions lentes",
            "Si les connexions sont lentes, rapprochez-vous de la box.",
            "agents",
        ),
        None,
    )
    .await
    .unwrap();
    relais_desk::kb::create(
        &d,
        &staff,
        art("Procédure interne box", "Réservé à l'équipe.", "it_staff"),
        None,
    )
    .await
    .unwrap();
    let draft = relais_desk::kb::ArticleInput {
        status: "draft".into(),
        ..art("Brouillon box", "pas encore", "public")
    };
    relais_desk::kb::create(&d, &staff, draft, None)
        .await
        .unwrap();

    let r = call(
        &app,
        "GET",
        "/api/v1/kb/search?q=ma%20box%20ne%20marche%20plus",
        &p.agent,
        None,
    )
    .await
    .json();
    let titles: Vec<&str> = r["items"]
        .as_array()
        .unwrap_or_else(|| panic!("{r}"))
        .iter()
        .map(|h| h["title"].as_str().unwrap())
        .collect();
    assert_eq!(titles[0], "Redémarrer sa box internet");
    assert!(
        !titles
            .iter()
            .any(|t| t.contains("Procédure interne") || t.contains("Brouillon")),
        "{titles:?}"
    );
    assert!(
        r["items"][0]["title_html"]
            .as_str()
            .unwrap()
            .contains("<mark>box</mark>")
    );
    // Plurals and accents: "connexion lente" finds "Connexions lentes".
    let r = call(
        &app,
        "GET",
        "/api/v1/kb/search?q=connexion%20lente",
        &p.agent,
        None,
    )
    .await
    .json();
    assert_eq!(r["items"][0]["title"], "Connexions lentes");
    // While typing: "redem" already finds the article.
    let r = call(&app, "GET", "/api/v1/kb/search?q=redem", &p.agent, None)
        .await
        .json();
    assert_eq!(r["items"][0]["id"], box_id);
    // IT staff see their own articles; anonymous readers only public ones.
    let r = call(&app, "GET", "/api/v1/kb/search?q=procedure", &p.staff, None)
        .await
        .json();
    assert_eq!(r["items"].as_array().unwrap().len(), 1);
    let anon = anon(&app, "/api/v1/kb/search?q=box").await;
    assert_eq!(anon["items"].as_array().unwrap().len(), 1);
    // Unpublishing takes an article out of the search at once; an unknown id is 404.
    let input = relais_desk::kb::ArticleInput {
        status: "draft".into(),
        ..art("Connexions lentes", "Brouillon.", "agents")
    };
    let slow: i64 = call(
        &app,
        "GET",
        "/api/v1/kb/search?q=connexion%20lente",
        &p.agent,
        None,
    )
    .await
    .json()["items"][0]["id"]
        .as_i64()
        .unwrap();
    relais_desk::kb::update(&d, &staff, slow, input.clone())
        .await
        .unwrap();
    let r = call(
        &app,
        "GET",
        "/api/v1/kb/search?q=connexion%20lente",
        &p.agent,
        None,
    )
    .await
    .json();
    assert!(
        r["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|h| h["id"] != slow),
        "{r}"
    );
    assert!(matches!(
        relais_desk::kb::update(&d, &staff, 999_999, input).await,
        Err(relais_core::Error::NotFound)
    ));
    // The article page shows the script inert.
    let a = relais_desk::kb::get(&d, Some(&staff), box_id)
        .await
        .unwrap();
    let html = relais_desk::kb::render_markdown(&a.body);
    assert!(!html.contains("<script"), "{html}");
}

#[tokio::test]
async fn the_public_form_is_guarded_and_follow_links_expire_and_are_spent() {
    let mut app = TestApp::new().await;
    let d = desk(&app);
    let form = |challenge: &relais_desk::public::Challenge,
                email: &str,
                pow: String,
                answer: String| relais_desk::public::PublicRequest {
        name: "Dr Claire Dubois".into(),
        email: email.into(),
        phone: "0102030405".into(),
        organisation: "Cabinet médical".into(),
        subject: "Certificat de décès impossible à valider".into(),
        description: "L'application renvoie une erreur <script>alert(1)</script>".into(),
        category: String::new(),
        challenge: challenge.token.clone(),
        pow,
        answer,
    };
    // Without a solved challenge: refused.
    let c = relais_desk::public::challenge(&d).await.unwrap();
    let e = relais_desk::public::submit(
        &d,
        form(&c, "claire@cabinet.example", "1".into(), "0".into()),
        "192.0.2.1",
    )
    .await
    .unwrap_err();
    assert!(
        matches!(
            e,
            relais_core::Error::Invalid {
                field: "answer",
                ..
            }
        ),
        "{e:?}"
    );
    // With the proof of work, or the sum: accepted; a challenge is spent once.
    let c = relais_desk::public::challenge(&d).await.unwrap();
    let pow = relais_desk::public::solve(&c.token);
    let ticket = relais_desk::public::submit(
        &d,
        form(&c, "claire@cabinet.example", pow.clone(), String::new()),
        "192.0.2.1",
    )
    .await
    .unwrap();
    let e = relais_desk::public::submit(
        &d,
        form(&c, "claire@cabinet.example", pow, String::new()),
        "192.0.2.1",
    )
    .await
    .unwrap_err();
    assert!(matches!(
        e,
        relais_core::Error::Invalid {
            field: "answer",
            ..
        }
    ));
    let c = relais_desk::public::challenge(&d).await.unwrap();
    relais_desk::public::submit(
        &d,
        form(
            &c,
            "autre@cabinet.example",
            String::new(),
            (c.a + c.b).to_string(),
        ),
        "192.0.2.1",
    )
    .await
    .unwrap();
    // A flood from one address is stopped by the shared counter.
    let mut refused = 0;
    for i in 0..6 {
        let c = relais_desk::public::challenge(&d).await.unwrap();
        if let Err(relais_core::Error::TooManyAttempts { .. }) = relais_desk::public::submit(
            &d,
            form(
                &c,
                &format!("n{i}@x.example"),
                String::new(),
                (c.a + c.b).to_string(),
            ),
            "192.0.2.1",
        )
        .await
        {
            refused += 1;
        }
    }
    assert_eq!(refused, 3, "5 per address per hour");

    // The acknowledgement carries a follow link: opened once, it becomes a cookie for that ticket.
    app.run_jobs().await;
    let mails = app.smtp.wait_for(1).await;
    let ack = mails
        .iter()
        .find(|m| m.to.contains(&"claire@cabinet.example".to_string()))
        .unwrap();
    let text = ack.data.replace("=\r\n", "");
    let start = text.find("/desk/follow/").unwrap();
    let link: String = text[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || "/-_".contains(*c))
        .collect();
    // A mail scanner fetching the link spends nothing: only the button does.
    for _ in 0..2 {
        let r = app.get(&link).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert!(r.body.contains("Voir ma demande"), "{}", r.body);
    }
    let r = app.post_form(&link, &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = app.get("/desk/follow").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Certificat de décès"));
    assert!(
        page.body.contains("&#60;script&#62;alert(1)&#60;") && !page.body.contains("<script>alert"),
        "inert: {}",
        page.body
    );
    assert!(page.body.contains(&format!("#{ticket}")));
    // Reused: refused with a reason.
    app.cookies.clear();
    let r = app.get(&link).await;
    assert_eq!(r.status, StatusCode::GONE);
    assert!(r.body.contains("déjà été utilisé"), "{}", r.body);
    assert_eq!(app.post_form(&link, &[]).await.status, StatusCode::GONE);
    // Expired: refused too.
    let c = relais_desk::public::challenge(&d).await.unwrap();
    relais_desk::public::submit(
        &d,
        form(
            &c,
            "tard@cabinet.example",
            String::new(),
            (c.a + c.b).to_string(),
        ),
        "198.51.100.7",
    )
    .await
    .unwrap();
    app.run_jobs().await;
    let mails = app.smtp.wait_for(4).await;
    let late = mails
        .iter()
        .find(|m| m.to.contains(&"tard@cabinet.example".to_string()))
        .unwrap()
        .data
        .replace("=\r\n", "");
    let start = late.find("/desk/follow/").unwrap();
    let late_link: String = late[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || "/-_".contains(*c))
        .collect();
    app.clock.advance_secs(15 * 86_400);
    assert_eq!(app.get(&late_link).await.status, StatusCode::GONE);
    assert_eq!(
        app.post_form(&late_link, &[]).await.status,
        StatusCode::GONE
    );
}

#[tokio::test]
async fn the_demo_desk_loads_six_weeks_for_the_it_staff_delegation() {
    let mut app = TestApp::new().await;
    let directory = relais_directory::demo::load(
        &app.db.db,
        &app.clock,
        relais_directory::demo::SEED,
        400,
        &|_, _| {},
    )
    .await
    .unwrap();
    let d = desk(&app);
    relais_desk::demo::load(&d, &directory, relais_directory::demo::SEED)
        .await
        .unwrap();
    let tickets = app.count("SELECT COUNT(*) FROM desk_tickets").await;
    assert!(tickets > 700, "{tickets} tickets");
    assert!(
        (140..=170).contains(
            &app.count("SELECT COUNT(*) FROM desk_articles WHERE status = 'published'")
                .await
        )
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM desk_known_issues WHERE status = 'active'")
            .await,
        1
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM desk_calls").await, 40);
    assert!(app.count("SELECT COUNT(*) FROM desk_calls WHERE callback_due IS NOT NULL AND callback_done_at IS NULL").await > 0);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM jobs WHERE kind = 'mail.send' AND state = 'queued'")
            .await,
        0,
        "past mail is not sent"
    );
    // The demo's IT staff see the queue; the demo agent is in their delegation.
    app.sign_in(
        "informatique@demo.relais.test",
        relais_directory::demo::PASSWORD,
    )
    .await;
    let queue = app.get("/desk/queue").await;
    assert_eq!(queue.status, StatusCode::OK);
    assert!(
        queue.body.contains("Ma box ne marche plus") || queue.body.contains("VPN"),
        "{}",
        queue.body
    );
    let (agent_delegation, staff_delegation): (i64, i64) = sqlx::query_as(
        "SELECT (SELECT u.delegation_id FROM people p JOIN units u ON u.id = p.unit_id WHERE p.email = 'agent@demo.relais.test'),
                (SELECT g.scope_id FROM role_grants g JOIN people p ON p.id = g.person_id WHERE p.email = 'informatique@demo.relais.test' AND g.role = 'it_staff')",
    )
    .fetch_one(app.db.db.pool())
    .await
    .unwrap();
    assert_eq!(agent_delegation, staff_delegation);
    let dash = app.get("/desk/dashboard").await;
    assert!(dash.body.contains("<svg"));
}
