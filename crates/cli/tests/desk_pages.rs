//! The IT desk's pages as people use them, without JavaScript: the request
//! form and its server-side suggestions, the ticket page, the queue and its
//! SLA, the hotline's call screen, known issues on the home page, the week
//! view, the dashboard and its exports, the article editor, held mail and
//! the public form.

mod desk_support;
mod support;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use desk_support::{desk, support_principal as principal};
use support::{PASSWORD, TestApp};

/// A multipart form post carrying the CSRF token and, optionally, one file.
async fn post_multipart(
    app: &mut TestApp,
    path: &str,
    fields: &[(&str, &str)],
    file: Option<(&str, &str, &[u8])>,
) -> support::Resp {
    if !app.cookies.contains_key("relais_csrf") {
        app.get("/login").await;
    }
    let csrf = app.cookies["relais_csrf"].clone();
    let boundary = "----relais-test-boundary";
    let mut body: Vec<u8> = Vec::new();
    let mut all = vec![("_csrf", csrf.as_str())];
    all.extend_from_slice(fields);
    for (k, v) in all {
        body.extend(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n")
                .as_bytes(),
        );
    }
    if let Some((name, ct, data)) = file {
        body.extend(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"{name}\"\r\nContent-Type: {ct}\r\n\r\n").as_bytes());
        body.extend(data);
        body.extend(b"\r\n");
    }
    body.extend(format!("--{boundary}--\r\n").as_bytes());
    let cookie = app
        .cookies
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("; ");
    let req = Request::post(path)
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={boundary}"),
        )
        .header(header::COOKIE, cookie)
        .body(Body::from(body))
        .unwrap();
    let resp = tower::ServiceExt::oneshot(app.router.clone(), req)
        .await
        .unwrap();
    support::Resp::read(resp).await
}

fn ticket_id(location: &str) -> i64 {
    location
        .trim_start_matches("/desk/tickets/")
        .split('?')
        .next()
        .unwrap()
        .parse()
        .unwrap()
}

#[tokio::test]
async fn an_agent_is_offered_answers_then_opens_a_ticket_without_javascript() {
    let mut app = TestApp::new().await;
    app.account("agent@x.test", &[]).await;
    app.account("it@x.test", &["it_staff:delegation:DR-PACA"])
        .await;
    let d = desk(&app);
    let staff = principal(&app, "it@x.test").await;
    relais_desk::kb::create(
        &d,
        &staff,
        relais_desk::kb::ArticleInput {
            title: "Ma box internet ne marche plus : premières vérifications".into(),
            body: "Débranchez la box trente secondes.".into(),
            category: "home_box".into(),
            audience: "public".into(),
            status: "published".into(),
            review_on: None,
        },
        None,
    )
    .await
    .unwrap();
    relais_desk::known_issues::publish(
        &d,
        &staff,
        relais_desk::known_issues::NewKnownIssue {
            title: "Panne d'un fournisseur d'accès".into(),
            body: "Rétablissement sous 48 heures.".into(),
            category: None,
            keywords: "box".into(),
        },
    )
    .await
    .unwrap();

    app.sign_in("agent@x.test", PASSWORD).await;
    // The home page carries the crisis banner.
    let home = app.get("/").await;
    assert!(
        home.body.contains("Panne d&#39;un fournisseur")
            || home.body.contains("Panne d'un fournisseur")
            || home.body.contains("Panne d&#x27;un"),
        "{}",
        home.body
    );
    // The form's "search the knowledge base" button, without scripts: suggestions and the known issue.
    let r = post_multipart(
        &mut app,
        "/desk/tickets",
        &[
            ("subject", "ma box ne marche plus"),
            ("description", ""),
            ("search", "1"),
        ],
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("<mark>box</mark>"), "{}", r.body);
    assert!(r.body.contains("fournisseur d"), "known issue shown");
    assert!(
        r.body.contains("value=\"ma box ne marche plus\""),
        "what was typed is kept"
    );
    // The script's fragment says the same.
    let frag = app.get("/desk/suggest?q=ma%20box%20ne%20marche").await;
    assert!(frag.body.contains("premières vérifications"));

    // A forbidden attachment: the reason in French, nothing written.
    let before = app.count("SELECT COUNT(*) FROM desk_tickets").await;
    let r = post_multipart(
        &mut app,
        "/desk/tickets",
        &[
            ("subject", "Ma box ne marche plus"),
            ("description", "Le voyant clignote."),
        ],
        Some(("outil.exe", "application/octet-stream", b"MZ\x90\x00")),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("est refusé"), "{}", r.body);
    assert_eq!(app.count("SELECT COUNT(*) FROM desk_tickets").await, before);

    // Opening it anyway, with a screenshot and some HTML that must stay inert.
    let r = post_multipart(
        &mut app,
        "/desk/tickets",
        &[
            ("subject", "Ma box ne marche plus"),
            (
                "description",
                "Le voyant clignote <img src=x onerror=alert(1)>",
            ),
        ],
        Some(("voyant.png", "image/png", b"\x89PNG\r\n")),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let id = ticket_id(r.location());
    let page = app.get(r.location()).await;
    assert!(page.body.contains("Votre demande est enregistrée"));
    assert!(page.body.contains("voyant.png"));
    assert!(!page.body.contains("<img src=x"), "inert");
    let (attached,): (Option<i64>,) =
        sqlx::query_as("SELECT known_issue_id FROM desk_tickets WHERE id = $1")
            .bind(id)
            .fetch_one(app.db.db.pool())
            .await
            .unwrap();
    assert!(attached.is_some(), "attached to the known issue");
    let mine = app.get("/desk/my").await;
    assert!(mine.body.contains(&format!("#{id}")));

    // IT staff answer from the ticket page; the agent sees the answer, not the note.
    app.cookies.clear();
    app.sign_in("it@x.test", PASSWORD).await;
    let queue = app.get("/desk/queue").await;
    assert!(
        queue.body.contains(&format!("#{id}")) && queue.body.contains("reste"),
        "{}",
        queue.body
    );
    let r = post_multipart(
        &mut app,
        &format!("/desk/tickets/{id}/reply"),
        &[("body", "Note : panne opérateur"), ("internal", "1")],
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = post_multipart(
        &mut app,
        &format!("/desk/tickets/{id}/reply"),
        &[("body", "C'est la panne de l'opérateur, rétablie sous 48 h.")],
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    app.cookies.clear();
    app.sign_in("agent@x.test", PASSWORD).await;
    let page = app.get(&format!("/desk/tickets/{id}")).await;
    assert!(page.body.contains("rétablie sous 48 h"));
    assert!(!page.body.contains("Note : panne opérateur"));
    // The agent says it is solved.
    let r = app
        .post_form(
            &format!("/desk/tickets/{id}/status"),
            &[("status", "resolved")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    // …but may not close it outright.
    let r = app
        .post_form(
            &format!("/desk/tickets/{id}/status"),
            &[("status", "closed")],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn it_staff_work_the_queue_the_hotline_and_the_dashboard() {
    let mut app = TestApp::new().await;
    app.account("agent@x.test", &[]).await;
    app.account("it@x.test", &["it_staff:delegation:DR-PACA"])
        .await;
    app.account("est@x.test", &[]).await;
    app.sign_in("agent@x.test", PASSWORD).await;
    let r = post_multipart(
        &mut app,
        "/desk/tickets",
        &[
            ("subject", "VPN impossible"),
            ("description", "Refusé"),
            ("urgency", "high"),
        ],
        None,
    )
    .await;
    let id = ticket_id(r.location());
    app.cookies.clear();

    // Agents do not reach IT pages.
    app.sign_in("est@x.test", PASSWORD).await;
    for path in [
        "/desk/queue",
        "/desk/hotline",
        "/desk/dashboard",
        "/desk/week",
        "/desk/known-issues",
        "/desk/held",
        "/desk/kb/new",
    ] {
        assert_eq!(app.get(path).await.status, StatusCode::FORBIDDEN, "{path}");
    }
    // The SLA: a high-priority VPN request must be answered within two hours.
    app.clock.advance_secs(3 * 3600);
    app.cookies.clear();
    app.sign_in("it@x.test", PASSWORD).await;
    let breaches = app.get("/desk/breaches").await;
    assert!(
        breaches.body.contains(&format!("#{id}")),
        "{}",
        breaches.body
    );
    assert!(breaches.body.contains("en retard"));

    // Remote session: consent is required; with it, it shows on the ticket and in the week view.
    let r = app
        .post_form(
            &format!("/desk/tickets/{id}/remote"),
            &[
                ("tool", "TeamViewer"),
                ("code", "123 456 789"),
                ("started_at", "2020-03-17T14:00"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("accord de l"), "{}", r.body);
    let r = app
        .post_form(
            &format!("/desk/tickets/{id}/remote"),
            &[
                ("tool", "TeamViewer"),
                ("code", "123 456 789"),
                ("consent", "1"),
                ("started_at", "2020-03-17T14:00"),
                ("ended_at", "2020-03-17T14:20"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = app
        .post_form(
            &format!("/desk/tickets/{id}/visit"),
            &[
                ("site", "Campus Timone"),
                ("visit_at", "2020-03-18T10:00"),
                ("done", "Écran remplacé"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    // A visit ahead is planned without what was done, which comes after.
    let r = app
        .post_form(
            &format!("/desk/tickets/{id}/visit"),
            &[
                ("site", "Antenne de Luminy"),
                ("visit_at", "2020-03-25T09:00"),
                ("done", ""),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = app
        .post_form(
            &format!("/desk/tickets/{id}/visit"),
            &[
                ("site", "Antenne de Luminy"),
                ("visit_at", "2020-03-16T09:00"),
                ("done", ""),
            ],
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a past visit says what was done"
    );
    let planned = app.get("/desk/week?day=2020-03-25").await.body;
    assert!(
        planned.contains("Antenne de Luminy") && planned.contains("prévue"),
        "{planned}"
    );
    let page = app.get(&format!("/desk/tickets/{id}")).await.body;
    let at = page
        .find(&format!("/desk/tickets/{id}/visits/"))
        .expect("a form to say what was done");
    let visit: String = page[at..]
        .trim_start_matches(&format!("/desk/tickets/{id}/visits/"))
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    let r = app
        .post_form(
            &format!("/desk/tickets/{id}/visits/{visit}"),
            &[("done", "Borne wifi remplacée")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = app.get(&format!("/desk/tickets/{id}")).await.body;
    assert!(page.contains("Borne wifi remplacée") && !page.contains(&format!("/visits/{visit}")));
    let week = app.get("/desk/week?day=2020-03-18").await;
    assert!(
        week.body.contains("123 456 789") && week.body.contains("Campus Timone"),
        "{}",
        week.body
    );

    // The hotline: an outside caller recorded on the fly, with a ticket and a callback.
    let r = app
        .post_form(
            "/desk/hotline/calls",
            &[
                ("name", "Dr Claire Dubois"),
                ("phone", "0491000000"),
                ("organisation", "Cabinet médical"),
                ("about", "Certificat impossible à valider"),
                ("urgency", "high"),
                ("callback_minutes", "30"),
                ("open_ticket", "1"),
                ("category", "national_app"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let call_ticket = ticket_id(r.location());
    let r = app
        .post_form(
            "/desk/hotline/calls",
            &[
                ("name", "Dr Marc Roux"),
                ("email", "marc@cabinet.example"),
                ("about", "Question sur l'impression"),
                ("urgency", "low"),
                ("callback_minutes", "10"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    // Without a way to reach the caller: refused, in French.
    let r = app
        .post_form(
            "/desk/hotline/calls",
            &[("name", "Anonyme"), ("about", "x")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let screen = app.get("/desk/hotline").await;
    let (dubois, roux) = (
        screen.body.find("Dr Claire Dubois").unwrap(),
        screen.body.find("Dr Marc Roux").unwrap(),
    );
    assert!(dubois < roux, "the urgent callback comes first");
    assert!(
        app.get(&format!("/desk/tickets/{call_ticket}"))
            .await
            .body
            .contains("Cabinet médical")
    );

    // Merge a duplicate.
    let r = app
        .post_form(
            &format!("/desk/tickets/{call_ticket}/merge"),
            &[("into", &call_ticket.to_string())],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let mails_before = app
        .count("SELECT COUNT(*) FROM jobs WHERE kind = 'mail.send'")
        .await;
    let r = app
        .post_form(
            &format!("/desk/tickets/{call_ticket}/merge"),
            &[("into", &format!("#{id}"))],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let merged = app.get(&format!("/desk/tickets/{call_ticket}")).await.body;
    assert!(
        merged.contains("fusionnée dans")
            && merged.contains(&format!("href=\"/desk/tickets/{id}\"")),
        "{merged}"
    );
    let (status, into): (String, Option<i64>) =
        sqlx::query_as("SELECT status, merged_into FROM desk_tickets WHERE id = $1")
            .bind(call_ticket)
            .fetch_one(app.db.db.pool())
            .await
            .unwrap();
    assert_eq!((status.as_str(), into), ("closed", Some(id)));
    assert_eq!(
        app.count("SELECT COUNT(*) FROM jobs WHERE kind = 'mail.send'")
            .await,
        mails_before,
        "a caller known by phone alone gets no mail"
    );
    let again = app
        .post_form(
            &format!("/desk/tickets/{call_ticket}/merge"),
            &[("into", &id.to_string())],
        )
        .await;
    assert_eq!(
        again.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "merged once"
    );
    // A duplicate whose requester has an address: they are told by mail.
    let r = post_multipart(
        &mut app,
        "/desk/tickets",
        &[
            ("subject", "VPN encore"),
            ("description", "Toujours refusé"),
            ("urgency", "normal"),
            ("for_email", "agent@x.test"),
        ],
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let dup = ticket_id(r.location());
    let mails_before = app
        .count("SELECT COUNT(*) FROM jobs WHERE kind = 'mail.send'")
        .await;
    let r = app
        .post_form(
            &format!("/desk/tickets/{dup}/merge"),
            &[("into", &id.to_string())],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM jobs WHERE kind = 'mail.send'")
            .await,
        mails_before + 1,
        "the duplicate's requester is told where it went"
    );

    // A resolved ticket becomes an article draft, then a published article.
    let r = app
        .post_form(
            &format!("/desk/tickets/{id}/status"),
            &[("status", "resolved")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = app
        .post_form(&format!("/desk/tickets/{id}/article"), &[])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let edit = app.get(r.location()).await;
    assert!(edit.body.contains("VPN impossible"));
    let r = app
        .post_form(
            "/desk/kb/articles",
            &[
                ("title", "Article <b>gras</b>"),
                ("body", "Texte <script>alert(1)</script> et **gras**"),
                ("category", "vpn"),
                ("audience", "agents"),
                ("status", "published"),
                ("review_on", "2020-09-01"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let article = app.get(r.location()).await;
    assert!(
        article.body.contains("<strong>gras</strong>") && !article.body.contains("<script>alert"),
        "{}",
        article.body
    );
    // Articles whose review date has passed wait for IT staff on the knowledge base's page.
    let r = app
        .post_form(
            "/desk/kb/articles",
            &[
                ("title", "Ancienne procédure VPN"),
                ("body", "À revoir"),
                ("category", "vpn"),
                ("audience", "agents"),
                ("status", "published"),
                ("review_on", "2020-03-01"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let kb = app.get("/desk/kb").await.body;
    let due = &kb[kb.find("À relire").expect("a list to review")
        ..kb.find("Articles récents").unwrap_or(kb.len())];
    assert!(
        due.contains("Ancienne procédure VPN") && !due.contains("gras"),
        "{due}"
    );
    let r = app
        .post_form(
            "/desk/kb/articles",
            &[
                ("title", "x"),
                ("body", "y"),
                ("category", "nope"),
                ("audience", "agents"),
                ("status", "published"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);

    // Known issues: publish, then resolve everything attached.
    let r = app
        .post_form(
            "/desk/known-issues",
            &[
                ("title", "VPN en panne"),
                ("body", "Passerelle arrêtée"),
                ("keywords", "vpn"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(
        app.get("/desk/known-issues")
            .await
            .body
            .contains("VPN en panne")
    );

    // The dashboard and its exports.
    let dash = app.get("/desk/dashboard").await;
    assert!(
        dash.body.contains("<svg") && dash.body.contains("<table>"),
        "chart and its table"
    );
    let csv = app.get("/desk/dashboard.csv").await;
    assert!(csv.content_type().starts_with("text/csv"));
    assert!(csv.body.contains("VPN;"), "{}", csv.body);
    let xlsx = app.get("/desk/dashboard.xlsx").await;
    assert_eq!(xlsx.status, StatusCode::OK);
    assert!(xlsx.content_type().contains("spreadsheetml"));
    let cells = xlsx.xlsx_text();
    assert!(cells.contains("VPN"), "{cells}");
    let csv_days = csv.body.lines().count();
    assert!(csv_days > 1 && cells.contains("<row"), "{cells}");
}

#[tokio::test]
async fn the_public_form_works_without_javascript_and_stops_a_flood() {
    let mut app = TestApp::new().await;
    let page = app.get("/desk/public").await;
    assert_eq!(page.status, StatusCode::OK);
    let r = app
        .post_form(
            "/desk/public",
            &[
                ("name", "Dr A"),
                ("email", "a@cabinet.example"),
                ("subject", "Connexion"),
                ("description", "Erreur"),
                ("challenge", &challenge_of(&page.body).0),
                ("answer", "999"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("anti-robot"), "{}", r.body);
    let (statuses, body) = public_requests(&mut app, 0..7, |_| None).await;
    assert_eq!(
        statuses,
        vec![200, 200, 200, 200, 200, 429, 429],
        "five per address per hour"
    );
    assert!(body.contains("Trop de demandes"));

    // X-Forwarded-For is the sender's to write: straight from the internet
    // it changes nothing; behind the local reverse proxy it names the client.
    for (peer, first, expected) in [
        ("203.0.113.9:40000", 10, vec![200, 200, 200, 200, 200, 429]),
        ("127.0.0.1:40000", 20, vec![200, 200, 200, 200, 200, 200]),
    ] {
        app.peer = Some(peer.parse().unwrap());
        let (statuses, _) = public_requests(&mut app, first..first + 6, |i| {
            Some(format!("198.51.100.{i}"))
        })
        .await;
        assert_eq!(statuses, expected, "from {peer}");
    }
}

/// The public form's challenge token and the answer to its sum, from a page.
fn challenge_of(body: &str) -> (String, String) {
    let i = body.find("name=\"challenge\" value=\"").unwrap() + 24;
    let token = body[i..].split('"').next().unwrap().to_string();
    let i = body.find("combien font ").unwrap() + 13;
    let q: String = body[i..].chars().take_while(|c| *c != '?').collect();
    let sum: u32 = q.split('+').map(|n| n.trim().parse::<u32>().unwrap()).sum();
    (token, sum.to_string())
}

/// Good requests through the public form, one per `n` in `range` (from
/// drN@cabinet.example, with `forwarded(n)` as X-Forwarded-For): their
/// statuses, and the last page answered.
async fn public_requests(
    app: &mut TestApp,
    range: std::ops::Range<u32>,
    forwarded: impl Fn(u32) -> Option<String>,
) -> (Vec<u16>, String) {
    let mut statuses = Vec::new();
    let mut body = app.get("/desk/public").await.body;
    for n in range {
        app.forwarded_for = forwarded(n);
        let email = format!("dr{n}@cabinet.example");
        let (token, answer) = challenge_of(&body);
        let r = app
            .post_form(
                "/desk/public",
                &[
                    ("name", "Dr B"),
                    ("email", &email),
                    ("subject", "Connexion"),
                    ("description", "Erreur"),
                    ("challenge", &token),
                    ("answer", &answer),
                ],
            )
            .await;
        statuses.push(r.status.as_u16());
        body = if r.body.contains("name=\"challenge\"") {
            r.body
        } else {
            app.get("/desk/public").await.body
        };
    }
    (statuses, body)
}

/// Posts the settings form: the delay and every target field.
async fn save(app: &mut TestApp, fields: Vec<(String, String)>, days: &str) -> support::Resp {
    let mut all: Vec<(&str, &str)> = vec![("autoclose_days", days)];
    all.extend(fields.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    app.post_form("/desk/settings", &all).await
}

#[tokio::test]
async fn institute_it_staff_set_the_closing_delay_and_the_targets_from_a_page() {
    let mut app = TestApp::new().await;
    desk_support::people(&app).await;
    app.account("dsi@x.test", &["it_staff"]).await;

    // Delegation IT staff and agents may read targets on tickets, not change them.
    for who in ["it@x.test", "est@x.test"] {
        app.cookies.clear();
        app.sign_in(who, PASSWORD).await;
        assert_eq!(
            app.get("/desk/settings").await.status,
            StatusCode::FORBIDDEN,
            "{who}"
        );
    }
    app.cookies.clear();
    app.sign_in("dsi@x.test", PASSWORD).await;
    let page = app.get("/desk/settings").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("name=\"autoclose_days\"") && page.body.contains("value=\"7\""));
    assert!(
        page.body
            .contains("name=\"sla-vpn-high-first\" value=\"2\""),
        "{}",
        page.body
    );

    // Every input as the page shows it, with a few changed.
    let mut fields: Vec<(String, String)> = Vec::new();
    let mut rest = page.body.as_str();
    while let Some(i) = rest.find("name=\"sla-") {
        let after = &rest[i + 6..];
        let name: String = after.chars().take_while(|c| *c != '"').collect();
        let v = after.find("value=\"").unwrap() + 7;
        let value: String = after[v..].chars().take_while(|c| *c != '"').collect();
        fields.push((name, value));
        rest = &after[v..];
    }
    assert_eq!(
        fields.len(),
        9 * 4 * 2,
        "default and eight categories, four priorities, two targets"
    );
    let set = |fields: &mut Vec<(String, String)>, name: &str, value: &str| {
        fields.iter_mut().find(|f| f.0 == name).unwrap().1 = value.into();
    };

    // Refused whole, with the line named and the input marked: nothing written.
    let mut bad = fields.clone();
    set(&mut bad, "sla-home_box-low-first", "48");
    set(&mut bad, "sla-home_box-low-resolution", "24");
    let r = save(&mut app, bad, "3").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.body
            .contains("priorité Basse : la résolution ne peut pas venir avant la première réponse"),
        "{}",
        r.body
    );
    assert!(
        r.body
            .contains("name=\"sla-home_box-low-resolution\" value=\"24\" aria-label"),
        "typed values kept"
    );
    assert!(r.body.contains("aria-invalid=\"true\""));
    let mut bad = fields.clone();
    set(&mut bad, "sla-*-normal-first", "");
    assert_eq!(
        save(&mut app, bad, "3").await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(
        save(&mut app, fields.clone(), "400").await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM desk_settings WHERE value = '7'")
            .await,
        1
    );

    // Saved: VPN follows the default again, home boxes get their own targets.
    let mut good = fields.clone();
    for pr in ["critical", "high", "normal", "low"] {
        set(&mut good, &format!("sla-vpn-{pr}-first"), "");
        set(&mut good, &format!("sla-vpn-{pr}-resolution"), "");
    }
    set(&mut good, "sla-home_box-normal-first", "1");
    set(&mut good, "sla-home_box-normal-resolution", "4");
    let r = save(&mut app, good, "3").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = app.get(r.location()).await;
    assert!(page.body.contains("Modifications enregistrées"));
    assert!(page.body.contains("name=\"sla-vpn-high-first\" value=\"\""));
    assert!(page.body.contains("name=\"autoclose_days\"") && page.body.contains("value=\"3\""));
    assert_eq!(
        app.count("SELECT COUNT(*) FROM desk_sla WHERE category = 'vpn'")
            .await,
        0
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM desk_sla WHERE category = 'home_box' AND priority = 'normal' AND first_response_minutes = 60 AND resolution_minutes = 240").await,
        1
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'desk.settings.update'")
            .await,
        1
    );

    // A new home-box request gets its target: one hour to the first answer.
    let d = desk(&app);
    let agent = principal(&app, "agent@x.test").await;
    let t = relais_desk::tickets::create(
        &d,
        &agent,
        relais_desk::tickets::NewTicket {
            subject: "Box".into(),
            description: "Ma box clignote".into(),
            category: Some("home_box".into()),
            ..Default::default()
        },
        Vec::new(),
        relais_desk::Channel::Web,
    )
    .await
    .unwrap();
    let (opened, due): (i64, i64) =
        sqlx::query_as("SELECT created_at, first_response_due FROM desk_tickets WHERE id = $1")
            .bind(t)
            .fetch_one(app.db.db.pool())
            .await
            .unwrap();
    assert_eq!(due - opened, 3600 * 1_000_000);
}

#[tokio::test]
async fn an_it_correspondent_opens_a_request_for_someone_of_their_unit_from_the_form() {
    let mut app = TestApp::new().await;
    desk_support::people(&app).await;
    // An agent opens for themselves only: no such field.
    app.sign_in("agent@x.test", PASSWORD).await;
    assert!(!app.get("/desk").await.body.contains("name=\"for_email\""));
    // …and the field, sent anyway, is ignored: the request is theirs.
    let r = post_multipart(
        &mut app,
        "/desk/tickets",
        &[
            ("subject", "Écran"),
            ("description", "Noir"),
            ("urgency", "normal"),
            ("for_email", "est@x.test"),
        ],
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let (own,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM desk_tickets t JOIN people p ON p.id = t.requester_person_id WHERE t.id = $1 AND p.email = 'agent@x.test'",
    )
    .bind(ticket_id(r.location()))
    .fetch_one(app.db.db.pool())
    .await
    .unwrap();
    assert_eq!(own, 1);
    app.cookies.clear();

    app.sign_in("directrice@x.test", PASSWORD).await;
    assert!(app.get("/desk").await.body.contains("name=\"for_email\""));
    let open = |who: &'static str| {
        [
            ("subject", "Imprimante"),
            ("description", "Elle ne répond plus"),
            ("urgency", "normal"),
            ("for_email", who),
        ]
    };
    let r = post_multipart(&mut app, "/desk/tickets", &open("agent@x.test"), None).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let id = ticket_id(r.location());
    let (requester, opener): (i64, i64) = sqlx::query_as(
        "SELECT t.requester_person_id, (SELECT id FROM people WHERE email = 'directrice@x.test') FROM desk_tickets t WHERE t.id = $1",
    )
    .bind(id)
    .fetch_one(app.db.db.pool())
    .await
    .unwrap();
    let (agent,): (i64,) = sqlx::query_as("SELECT id FROM people WHERE email = 'agent@x.test'")
        .fetch_one(app.db.db.pool())
        .await
        .unwrap();
    assert_eq!(requester, agent);
    assert_ne!(requester, opener);

    // Someone of another unit, or nobody: refused on the form, what was typed kept.
    let before = app.count("SELECT COUNT(*) FROM desk_tickets").await;
    let r = post_multipart(&mut app, "/desk/tickets", &open("est@x.test"), None).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("pas dans votre unité"), "{}", r.body);
    assert!(r.body.contains("value=\"est@x.test\""));
    let r = post_multipart(&mut app, "/desk/tickets", &open("personne@x.test"), None).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.body.contains("Personne inconnue dans l&#39;annuaire")
            || r.body.contains("Personne inconnue"),
        "{}",
        r.body
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM desk_tickets").await, before);
}

#[tokio::test]
async fn an_article_that_answered_counts_one_avoided_request_per_person_and_day() {
    let mut app = TestApp::new().await;
    desk_support::people(&app).await;
    let d = desk(&app);
    let it = principal(&app, "it@x.test").await;
    let article = relais_desk::kb::create(
        &d,
        &it,
        relais_desk::kb::ArticleInput {
            title: "Redémarrer sa box".into(),
            body: "Débranchez-la dix secondes.".into(),
            category: "home_box".into(),
            audience: "agents".into(),
            status: "published".into(),
            review_on: None,
        },
        None,
    )
    .await
    .unwrap();
    let avoided = |app: &TestApp| {
        let db = app.db.db.clone();
        async move {
            let (n, helpful): (i64, i64) = sqlx::query_as(
                "SELECT (SELECT COUNT(*) FROM desk_avoided), helpful FROM desk_articles WHERE id = $1",
            )
            .bind(article)
            .fetch_one(db.pool())
            .await
            .unwrap();
            (n, helpful)
        }
    };
    app.sign_in("agent@x.test", PASSWORD).await;
    for _ in 0..3 {
        let r = app
            .post_form(&format!("/desk/kb/{article}/helpful"), &[])
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    }
    assert_eq!(
        avoided(&app).await,
        (1, 1),
        "pressed three times, counted once"
    );
    app.clock.advance_secs(25 * 3600);
    app.cookies.clear();
    app.sign_in("agent@x.test", PASSWORD).await;
    app.post_form(&format!("/desk/kb/{article}/helpful"), &[])
        .await;
    assert_eq!(
        avoided(&app).await,
        (2, 2),
        "the next day, another request avoided"
    );
}
