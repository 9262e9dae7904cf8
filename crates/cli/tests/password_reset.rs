//! Password reset by an emailed, single-use, expiring link, delivered to a
//! real SMTP listener.

mod support;

use axum::http::StatusCode;
use support::{PASSWORD, TestApp};

/// The link in a mail body, undoing quoted-printable soft line breaks (the token is plain base64url).
fn link_in(mail: &str) -> String {
    let mail = mail.replace("=\r\n", "");
    let start = mail
        .find("http://relais.test/password/reset/")
        .expect("a reset link in the mail");
    let rest = &mail[start + "http://relais.test".len()..];
    rest.split_whitespace().next().unwrap().to_string()
}

async fn ask_reset(app: &mut TestApp, email: &str) -> String {
    let r = app.post_form("/password/forgot", &[("email", email)]).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("Si un compte correspond"));
    assert_eq!(app.run_jobs().await, 1);
    let mails = app.smtp.wait_for(1).await;
    link_in(&mails.last().unwrap().data)
}

#[tokio::test]
async fn a_reset_link_works_once_and_ends_other_sessions() {
    let app = TestApp::new().await;
    app.account("agent@x.test", &[]).await;
    // Signed in elsewhere, on another device.
    let mut elsewhere = TestApp {
        cookies: Default::default(),
        ..app
    };
    elsewhere.sign_in("agent@x.test", PASSWORD).await;
    let other_device = relais_web::session::hash_token(&elsewhere.cookies["relais_session"]);
    let mut app = TestApp {
        cookies: Default::default(),
        ..elsewhere
    };

    let link = ask_reset(&mut app, "agent@x.test").await;
    let mail = &app.smtp.messages()[0];
    assert_eq!(mail.to, vec!["agent@x.test".to_string()]);
    assert!(
        mail.header("Message-ID")
            .unwrap()
            .ends_with("@relais.test>")
    );

    let form = app.get(&link).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("Nouveau mot de passe"));
    let r = app
        .post_form(
            &link,
            &[
                ("password", "un tout nouveau secret"),
                ("confirm", "un autre secret encore"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("ne sont pas identiques"));
    let r = app
        .post_form(&link, &[("password", "court"), ("confirm", "court")])
        .await;
    assert!(r.body.contains("au moins 12 caractères"));
    let r = app
        .post_form(
            &link,
            &[
                ("password", "un tout nouveau secret"),
                ("confirm", "un tout nouveau secret"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.location(), "/login?reset=1");

    assert_eq!(
        app.sign_in("agent@x.test", PASSWORD).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.sign_in("agent@x.test", "un tout nouveau secret")
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    // Reused: refused, and the password stays.
    app.cookies.remove("relais_session");
    let r = app
        .post_form(
            &link,
            &[
                ("password", "encore un autre secret"),
                ("confirm", "encore un autre secret"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("invalide, déjà utilisé ou expiré"));
    assert_eq!(
        app.get(&link).await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(
        app.sign_in("agent@x.test", "un tout nouveau secret")
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    // The session opened on the other device before the reset is gone.
    let left: Option<(String,)> = sqlx::query_as("SELECT id FROM web_sessions WHERE id = $1")
        .bind(&other_device)
        .fetch_optional(app.db.db.pool())
        .await
        .unwrap();
    assert!(left.is_none());
    assert_eq!(
        app.count("SELECT COUNT(*) FROM web_sessions").await,
        2,
        "the two opened after the reset"
    );
}

#[tokio::test]
async fn forged_and_expired_links_are_refused() {
    let mut app = TestApp::new().await;
    app.account("agent@x.test", &[]).await;
    let r = app.get("/password/reset/forged-token").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("invalide, déjà utilisé ou expiré"));

    let link = ask_reset(&mut app, "agent@x.test").await;
    app.clock
        .advance_secs(relais_directory::accounts::RESET_TTL_SECS + 1);
    assert_eq!(
        app.get(&link).await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let r = app
        .post_form(
            &link,
            &[
                ("password", "un tout nouveau secret"),
                ("confirm", "un tout nouveau secret"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        app.sign_in("agent@x.test", PASSWORD).await.status,
        StatusCode::SEE_OTHER
    );
}

#[tokio::test]
async fn asking_for_an_unknown_address_sends_nothing_and_says_the_same() {
    let mut app = TestApp::new().await;
    let r = app
        .post_form("/password/forgot", &[("email", "nobody@x.test")])
        .await;
    assert!(r.body.contains("Si un compte correspond"));
    assert_eq!(app.run_jobs().await, 0);
    assert!(app.smtp.messages().is_empty());
}
