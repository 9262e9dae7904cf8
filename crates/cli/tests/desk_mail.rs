//! The IT desk's mail: replies mailed through a real SMTP listener, the
//! gateway threading, holding and ignoring robots, its refusals, and
//! `relais mailgate` as an MTA runs it (one process, the message on stdin).

mod desk_support;
mod support;

use desk_support::*;
use relais_desk::mailgate::{self, Outcome};
use support::TestApp;

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
    let seen = ticket_view(&app, ticket, &p.agent).await;
    assert!(
        !seen["messages"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["body"] == "Je réponds à sa place")
    );
    let staff = ticket_view(&app, ticket, &p.staff).await;
    assert!(
        staff["messages"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["held"] == true)
    );
    // IT staff accept it: it joins the thread the requester sees. A second
    // stranger's mail is discarded: gone for everyone.
    let held_id = |v: &serde_json::Value, body: &str| {
        v["messages"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["held"] == true && m["body"] == body)
            .map(|m| m["id"].as_i64().unwrap())
    };
    let it = support_principal(&app, "it@x.test").await;
    let agent = support_principal(&app, "agent@x.test").await;
    let first = held_id(&staff, "Je réponds à sa place").expect("held");
    assert!(
        relais_desk::thread::release(&d, &agent, first, true)
            .await
            .is_err(),
        "only IT staff release held mail"
    );
    relais_desk::thread::release(&d, &it, first, true)
        .await
        .unwrap();
    mailgate::deliver(
        &d,
        &mail(
            "spam@ailleurs.example",
            &format!("Re: [#{ticket}] VPN"),
            "",
            "Achetez maintenant",
        ),
    )
    .await
    .unwrap();
    let staff = ticket_view(&app, ticket, &p.staff).await;
    let second = held_id(&staff, "Achetez maintenant").expect("held");
    relais_desk::thread::release(&d, &it, second, false)
        .await
        .unwrap();
    for token in [&p.agent, &p.staff] {
        let seen = bodies(&app, ticket, token).await;
        assert!(
            seen.iter().any(|b| b == "Je réponds à sa place"),
            "{seen:?}"
        );
        assert!(!seen.iter().any(|b| b == "Achetez maintenant"), "{seen:?}");
    }
    assert!(
        relais_desk::thread::release(&d, &it, first, true)
            .await
            .is_err(),
        "released once"
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
