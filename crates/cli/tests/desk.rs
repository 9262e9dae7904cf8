//! The IT service desk end to end: the API as scripts use it, access by
//! role (nobody reads another's ticket or attachment by guessing ids), mail
//! both ways through a real SMTP listener and the mail gateway, known
//! issues, automatic closing, the public form and follow links.

mod support;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use relais_desk::mailgate::{self, Outcome};
use support::{PASSWORD, TestApp};

async fn call(
    app: &TestApp,
    method: &str,
    path: &str,
    token: &str,
    body: Option<serde_json::Value>,
) -> support::Resp {
    let mut req = Request::builder()
        .method(method)
        .uri(path)
        .header(header::AUTHORIZATION, format!("Bearer {token}"));
    let body = match body {
        Some(b) => {
            req = req.header(header::CONTENT_TYPE, "application/json");
            Body::from(b.to_string())
        }
        None => Body::empty(),
    };
    let resp = tower::ServiceExt::oneshot(app.router.clone(), req.body(body).unwrap())
        .await
        .unwrap();
    let status = resp.status();
    let headers = resp.headers().clone();
    let bytes = axum::body::to_bytes(resp.into_body(), usize::MAX)
        .await
        .unwrap();
    support::Resp {
        status,
        headers,
        body: String::from_utf8_lossy(&bytes).into_owned(),
    }
}

async fn anon(app: &TestApp, path: &str) -> serde_json::Value {
    let req = Request::get(path).body(Body::empty()).unwrap();
    let resp = tower::ServiceExt::oneshot(app.router.clone(), req)
        .await
        .unwrap();
    let bytes = axum::body::to_bytes(resp.into_body(), usize::MAX)
        .await
        .unwrap();
    serde_json::from_slice(&bytes).unwrap()
}

async fn created(app: &TestApp, path: &str, token: &str, body: serde_json::Value) -> i64 {
    let r = call(app, "POST", path, token, Some(body)).await;
    assert_eq!(r.status, StatusCode::CREATED, "{path}: {}", r.body);
    r.json()["id"].as_i64().unwrap()
}

fn desk(app: &TestApp) -> relais_desk::Desk {
    let web = relais_web::WebConfig {
        public_url: "http://relais.test".into(),
        mail_domain: "relais.test".into(),
        ..Default::default()
    };
    relais_desk::Desk::new(
        app.db.db.clone(),
        std::sync::Arc::new(app.clock.clone()),
        &web,
    )
}

/// Accounts: an agent and a colleague of U1001, the IT correspondent of
/// U1001, IT staff of DR-PACA, and an agent of DR-EST.
struct People {
    agent: String,
    colleague: String,
    correspondent: String,
    staff: String,
    far: String,
}

async fn people(app: &TestApp) -> People {
    let agent = app.account("agent@x.test", &[]).await;
    let colleague = app.account("doctorante@x.test", &[]).await;
    let corr = app
        .account("directrice@x.test", &["it_correspondent:unit:U1001"])
        .await;
    let staff = app
        .account("it@x.test", &["it_staff:delegation:DR-PACA"])
        .await;
    let far = app.account("est@x.test", &[]).await;
    People {
        agent: app.token(agent, 30).await.1,
        colleague: app.token(colleague, 30).await.1,
        correspondent: app.token(corr, 30).await.1,
        staff: app.token(staff, 30).await.1,
        far: app.token(far, 30).await.1,
    }
}

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
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
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

async fn support_principal(app: &TestApp, email: &str) -> relais_core::Principal {
    let (id,): (i64,) = sqlx::query_as("SELECT id FROM people WHERE email = $1")
        .bind(email)
        .fetch_one(app.db.db.pool())
        .await
        .unwrap();
    use relais_web::Identity;
    relais_directory::DirectoryIdentity {
        db: app.db.db.clone(),
        clock: std::sync::Arc::new(app.clock.clone()),
    }
    .principal(relais_core::PersonId(id))
    .await
    .unwrap()
    .unwrap()
}

fn mail(from: &str, subject: &str, extra: &str, body: &str) -> Vec<u8> {
    format!("From: {from}\r\nTo: support@relais.test\r\nSubject: {subject}\r\nMessage-ID: <{}@mail.example>\r\n{extra}MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n",
        rand_id()).into_bytes()
}

fn rand_id() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    format!(
        "m{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst)
    )
}

#[tokio::test]
async fn mail_both_ways_threads_holds_and_never_answers_robots() {
    let app = TestApp::new().await;
    let p = people(&app).await;
    let d = desk(&app);

    // A new mail from a known person opens a ticket, acknowledged by mail.
    let out = mailgate::deliver(
        &d,
        &mail(
            "Loïc Martin <agent@x.test>",
            "VPN impossible",
            "",
            "Le VPN refuse ma connexion.",
        ),
    )
    .await
    .unwrap();
    let Outcome::Opened { ticket } = out else {
        panic!("{out:?}")
    };
    app.run_jobs().await;
    let ack = app
        .smtp
        .wait_for(1)
        .await
        .into_iter()
        .find(|m| {
            m.header("Subject")
                .unwrap_or_default()
                .contains(&format!("[#{ticket}]"))
        })
        .expect("acknowledged");
    let ack_id = ack.header("Message-ID").unwrap();

    // The answer to our mail threads by In-Reply-To, from the requester: added.
    let out = mailgate::deliver(
        &d,
        &mail(
            "agent@x.test",
            "Re: ça ne marche toujours pas",
            &format!("In-Reply-To: {ack_id}\r\nReferences: {ack_id}\r\n"),
            "Toujours pareil",
        ),
    )
    .await
    .unwrap();
    assert_eq!(
        out,
        Outcome::Added {
            ticket,
            held: false
        }
    );
    // By the subject's reference, from a stranger: held for review, not shown to the requester.
    let out = mailgate::deliver(
        &d,
        &mail(
            "inconnu@ailleurs.example",
            &format!("Re: [#{ticket}] VPN"),
            "",
            "Je réponds à sa place",
        ),
    )
    .await
    .unwrap();
    assert_eq!(out, Outcome::Added { ticket, held: true });
    let seen = call(
        &app,
        "GET",
        &format!("/api/v1/tickets/{ticket}"),
        &p.agent,
        None,
    )
    .await
    .json();
    assert!(
        !seen["messages"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["body"] == "Je réponds à sa place")
    );
    let staff = call(
        &app,
        "GET",
        &format!("/api/v1/tickets/{ticket}"),
        &p.staff,
        None,
    )
    .await
    .json();
    assert!(
        staff["messages"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["held"] == true)
    );

    // Robots: auto-replies, lists, bounces and our own mail are taken and ignored, never answered.
    let sent_before = app
        .count("SELECT COUNT(*) FROM jobs WHERE kind = 'mail.send'")
        .await;
    let tickets_before = app.count("SELECT COUNT(*) FROM desk_tickets").await;
    for extra in [
        "Auto-Submitted: auto-replied\r\n",
        "Precedence: bulk\r\n",
        "X-Autoreply: yes\r\n",
        "List-Id: <annonces.x.test>\r\n",
        "Return-Path: <>\r\n",
    ] {
        let out = mailgate::deliver(
            &d,
            &mail(
                "agent@x.test",
                "Absence du bureau",
                extra,
                "Je suis absent.",
            ),
        )
        .await
        .unwrap();
        assert!(matches!(out, Outcome::Ignored { .. }), "{extra}: {out:?}");
    }
    let looped =
        format!("From: agent@x.test\r\nSubject: Re: x\r\nMessage-ID: {ack_id}\r\n\r\nboucle\r\n");
    assert!(matches!(
        mailgate::deliver(&d, looped.as_bytes()).await.unwrap(),
        Outcome::Ignored { .. }
    ));
    assert_eq!(
        app.count("SELECT COUNT(*) FROM desk_tickets").await,
        tickets_before
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM jobs WHERE kind = 'mail.send'")
            .await,
        sent_before
    );

    // The same message twice (an MTA retry) is taken once.
    let again = mail("agent@x.test", "Doublon", "", "une fois");
    assert!(matches!(
        mailgate::deliver(&d, &again).await.unwrap(),
        Outcome::Opened { .. }
    ));
    assert!(matches!(
        mailgate::deliver(&d, &again).await.unwrap(),
        Outcome::Ignored { .. }
    ));
}

#[tokio::test]
async fn the_mail_gateway_refuses_bad_mail_with_a_reason_and_writes_nothing() {
    let app = TestApp::new().await;
    let d = desk(&app);
    let before = app.count("SELECT COUNT(*) FROM desk_messages").await
        + app.count("SELECT COUNT(*) FROM desk_tickets").await;
    let mut huge = mail("a@x.test", "gros", "", "");
    huge.extend(std::iter::repeat_n(b'a', mailgate::MAX_MESSAGE));
    let mut headers = b"From: a@x.test\r\n".to_vec();
    for i in 0..40_000 {
        headers.extend(format!("X-Filler-{i}: {}\r\n", "b".repeat(60)).as_bytes());
    }
    headers.extend(b"\r\nbody\r\n");
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("huge", huge, "too large"),
        ("megabytes of headers", headers, "header section too large"),
        (
            "not mail",
            b"hello world, no headers here\r\n\r\n".to_vec(),
            "malformed headers",
        ),
        (
            "multipart without boundary",
            b"From: a@x.test\r\nContent-Type: multipart/mixed\r\n\r\n--x\r\nhi\r\n".to_vec(),
            "without a boundary",
        ),
        (
            "boundary never used",
            b"From: a@x.test\r\nContent-Type: multipart/mixed; boundary=\"zz\"\r\n\r\nno parts\r\n"
                .to_vec(),
            "never appears",
        ),
        (
            "no sender",
            b"Subject: hello\r\n\r\nbody\r\n".to_vec(),
            "no sender",
        ),
        ("empty", Vec::new(), "empty"),
    ];
    for (what, raw, reason) in cases {
        let r = mailgate::deliver(&d, &raw).await.expect_err(what);
        assert!(r.reason.contains(reason), "{what}: {}", r.reason);
        assert_eq!(r.exit_code(), 65, "{what}");
    }
    assert_eq!(
        app.count("SELECT COUNT(*) FROM desk_messages").await
            + app.count("SELECT COUNT(*) FROM desk_tickets").await,
        before
    );

    // A wrong charset is taken all the same, its text kept as well as it can be.
    let raw = b"From: x@ailleurs.example\r\nSubject: charset\r\nContent-Type: text/plain; charset=klingon-8\r\n\r\nBonjour, ma box clignote.\r\n";
    let Outcome::Opened { ticket } = mailgate::deliver(&d, raw).await.unwrap() else {
        panic!()
    };
    let (desc,): (String,) = sqlx::query_as("SELECT description FROM desk_tickets WHERE id = $1")
        .bind(ticket)
        .fetch_one(app.db.db.pool())
        .await
        .unwrap();
    assert!(desc.contains("box clignote"), "{desc}");

    // A forbidden attachment is dropped and noted; the rest is kept.
    let raw = "From: agent@x.test\r\nSubject: pieces\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n--b1\r\nContent-Type: text/plain\r\n\r\nVoici\r\n--b1\r\nContent-Type: image/png\r\nContent-Disposition: attachment; filename=\"ecran.png\"\r\nContent-Transfer-Encoding: base64\r\n\r\niVBORw0KGgo=\r\n--b1\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename=\"setup.exe\"\r\nContent-Transfer-Encoding: base64\r\n\r\nTVqQAAMAAAAEAAAA\r\n--b1--\r\n";
    let Outcome::Opened { ticket } = mailgate::deliver(&d, raw.as_bytes()).await.unwrap() else {
        panic!()
    };
    let names: Vec<(String,)> =
        sqlx::query_as("SELECT file_name FROM desk_attachments WHERE ticket_id = $1")
            .bind(ticket)
            .fetch_all(app.db.db.pool())
            .await
            .unwrap();
    assert_eq!(names, vec![("ecran.png".to_string(),)]);
    let (note,): (String,) =
        sqlx::query_as("SELECT body FROM desk_messages WHERE ticket_id = $1 AND kind = 'internal'")
            .bind(ticket)
            .fetch_one(app.db.db.pool())
            .await
            .unwrap();
    assert!(note.contains("setup.exe"));
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
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '/' || *c == '-')
        .collect();
    let r = app.get(&link).await;
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
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '/' || *c == '-')
        .collect();
    app.clock.advance_secs(15 * 86_400);
    assert_eq!(app.get(&late_link).await.status, StatusCode::GONE);
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

/// `relais mailgate` as an MTA runs it: one process, the message on stdin.
fn mailgate_process(app: &TestApp, raw: &[u8]) -> (i32, String, String) {
    use std::io::Write;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_relais"))
        .arg("mailgate")
        .env("RELAIS_DATABASE_URL", app.db.url.expose())
        .env("RELAIS_LOG", "error")
        .env_remove("RELAIS_CONFIG")
        .current_dir(std::env::temp_dir())
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("relais runs");
    // A refused message may be left half-read: a broken pipe is no error here.
    let _ = child.stdin.take().unwrap().write_all(raw);
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[tokio::test]
async fn relais_mailgate_takes_one_message_on_stdin_and_says_why_it_refuses() {
    let app = TestApp::new().await;
    let (code, out, _) = mailgate_process(
        &app,
        &mail(
            "Loïc Martin <agent@x.test>",
            "Écran noir",
            "",
            "Mon écran reste noir.",
        ),
    );
    assert_eq!(code, 0);
    assert!(out.contains("opened ticket #"), "{out}");
    let (code, out, _) = mailgate_process(
        &app,
        &mail(
            "agent@x.test",
            "Absent",
            "Auto-Submitted: auto-replied\r\n",
            "Je suis absent",
        ),
    );
    assert_eq!(code, 0);
    assert!(out.contains("ignored"), "{out}");
    let (code, _, err) = mailgate_process(&app, b"not a mail at all\r\n\r\n");
    assert_eq!(code, 65);
    assert!(err.contains("malformed headers"), "{err}");
    let mut huge = mail("a@x.test", "gros", "", "");
    huge.extend(std::iter::repeat_n(b'x', mailgate::MAX_MESSAGE + 10));
    let (code, _, err) = mailgate_process(&app, &huge);
    assert_eq!(code, 65);
    assert!(err.contains("too large"), "{err}");
    assert_eq!(app.count("SELECT COUNT(*) FROM desk_tickets").await, 1);
}
