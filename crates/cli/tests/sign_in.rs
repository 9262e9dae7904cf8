//! Signing in and out, sessions that expire, throttling, CSRF, languages.

mod support;

use axum::http::StatusCode;
use relais_db::audit::Actor;
use relais_directory::accounts;
use support::{PASSWORD, TestApp};

#[tokio::test]
async fn an_agent_signs_in_sees_home_and_signs_out() {
    let mut app = TestApp::new().await;
    app.account("agent@x.test", &[]).await;
    let r = app.get("/").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(
        r.location().starts_with("/login?next=%2F"),
        "{}",
        r.location()
    );

    let r = app.sign_in("agent@x.test", PASSWORD).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.location(), "/");
    let session = app
        .cookies
        .get("relais_session")
        .cloned()
        .expect("session cookie");
    let home = app.get("/").await;
    assert_eq!(home.status, StatusCode::OK);
    assert!(home.body.contains("Loïc Martin"));
    assert_eq!(home.html_lang(), Some("fr"));
    assert!(home.body.contains("Se déconnecter"));

    let r = app.post_form("/logout", &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.location(), "/login");
    assert_eq!(app.get("/").await.status, StatusCode::SEE_OTHER);
    // The old cookie is worthless now: the session is gone from the database.
    app.cookies.insert("relais_session".into(), session);
    assert_eq!(app.get("/").await.status, StatusCode::SEE_OTHER);
    assert_eq!(app.count("SELECT COUNT(*) FROM web_sessions").await, 0);
}

#[tokio::test]
async fn the_session_cookie_is_http_only_and_lax() {
    let mut app = TestApp::new().await;
    app.account("agent@x.test", &[]).await;
    let r = app.sign_in("agent@x.test", PASSWORD).await;
    let set = r
        .headers
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .collect::<Vec<_>>();
    let session = set
        .iter()
        .find(|c| c.starts_with("relais_session="))
        .expect("session cookie set");
    assert!(
        session.contains("HttpOnly") && session.contains("SameSite=Lax"),
        "{session}"
    );
    // Only the SHA-256 of the cookie is stored.
    let token = app.cookies["relais_session"].clone();
    let (stored,): (String,) = sqlx::query_as("SELECT id FROM web_sessions")
        .fetch_one(app.db.db.pool())
        .await
        .unwrap();
    assert_ne!(stored, token);
    assert_eq!(stored, relais_web::session::hash_token(&token));
}

#[tokio::test]
async fn a_wrong_password_is_refused_in_the_persons_language() {
    let mut app = TestApp::new().await;
    app.account("agent@x.test", &[]).await;
    let r = app.sign_in("agent@x.test", "not the password").await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert!(r.body.contains("role=\"alert\""));
    assert!(r.body.contains("Adresse ou mot de passe incorrect."));
    assert!(!app.cookies.contains_key("relais_session"));

    app.accept_language = Some("en-GB,en;q=0.9".into());
    let r = app.sign_in("agent@x.test", "not the password").await;
    assert_eq!(r.html_lang(), Some("en"));
    assert!(r.body.contains("Wrong email address or password."));
    // An unknown address gets the very same answer.
    let r = app.sign_in("nobody@x.test", "whatever it is").await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert!(r.body.contains("Wrong email address or password."));
}

#[tokio::test]
async fn repeated_failures_lock_sign_in_for_a_while() {
    let mut app = TestApp::new().await;
    app.account("agent@x.test", &[]).await;
    for _ in 0..relais_directory::accounts::MAX_FAILURES {
        assert_eq!(
            app.sign_in("agent@x.test", "guess guess guess")
                .await
                .status,
            StatusCode::UNAUTHORIZED
        );
    }
    let r = app.sign_in("agent@x.test", PASSWORD).await;
    assert_eq!(
        r.status,
        StatusCode::TOO_MANY_REQUESTS,
        "locked even with the right password"
    );
    assert!(r.body.contains("Réessayez dans 15 minutes"), "{}", r.body);
    app.clock
        .advance_secs(relais_directory::accounts::LOCK_SECS + 1);
    assert_eq!(
        app.sign_in("agent@x.test", PASSWORD).await.status,
        StatusCode::SEE_OTHER
    );
}

#[tokio::test]
async fn an_idle_session_expires_and_the_login_page_says_so() {
    let mut app = TestApp::new().await;
    app.account("agent@x.test", &[]).await;
    app.sign_in("agent@x.test", PASSWORD).await;
    app.clock.advance_secs(60 * 60);
    assert_eq!(
        app.get("/").await.status,
        StatusCode::OK,
        "an hour idle is fine"
    );
    app.clock.advance_secs(2 * 60 * 60 + 1);
    let r = app.get("/me").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(r.location().contains("expired=1"), "{}", r.location());
    assert!(r.location().contains("next=%2Fme"));
    let login = app.get(r.location()).await;
    assert!(login.body.contains("Votre session a expiré"));
}

#[tokio::test]
async fn a_session_ends_with_its_account_and_the_roles_it_shows_follow_the_grants() {
    let mut app = TestApp::new().await;
    let agent = app.account("agent@x.test", &[]).await;
    app.sign_in("agent@x.test", PASSWORD).await;
    assert_eq!(app.get("/admin/import").await.status, StatusCode::FORBIDDEN);
    // A grant made while signed in counts from the next page.
    let admin = accounts::parse_grant(&app.db.db, "admin").await.unwrap();
    let mut tx = app.db.db.begin().await.unwrap();
    accounts::grant(&mut tx, app.now(), Actor::SYSTEM, agent, admin)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(app.get("/admin/import").await.status, StatusCode::OK);
    // An account disabled by hand in SQL, which Relais's audit log does not
    // see: the instance keeps the session it read for ten seconds at most…
    sqlx::query("UPDATE accounts SET disabled_at = 1")
        .execute(app.db.db.pool())
        .await
        .unwrap();
    assert_eq!(app.get("/me").await.status, StatusCode::OK);
    // …then reads it again, and the disabled account's session signs nobody in.
    app.clock.advance_secs(10);
    let r = app.get("/me").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(r.location().starts_with("/login"), "{}", r.location());
}

#[tokio::test]
async fn a_session_signed_in_on_one_instance_ends_on_the_other_at_its_next_request() {
    let mut app = TestApp::new().await;
    app.account("agent@x.test", &[]).await;
    let mut other = app.second_instance();
    app.sign_in("agent@x.test", PASSWORD).await;
    let session = app.cookies["relais_session"].clone();
    // Both instances serve the session (and keep it).
    assert_eq!(app.get("/me").await.status, StatusCode::OK);
    std::mem::swap(&mut app.router, &mut other);
    assert_eq!(app.get("/me").await.status, StatusCode::OK);
    assert_eq!(app.get("/me").await.status, StatusCode::OK);
    // Signed out on the first, with no time passing…
    std::mem::swap(&mut app.router, &mut other);
    assert_eq!(
        app.post_form("/logout", &[]).await.status,
        StatusCode::SEE_OTHER
    );
    // …the old cookie signs nobody in on the second.
    std::mem::swap(&mut app.router, &mut other);
    app.cookies.insert("relais_session".into(), session);
    let r = app.get("/me").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(r.location().starts_with("/login"), "{}", r.location());
    // The sign-out is in the audit log, under the person who signed out.
    assert_eq!(
        app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'session.end' AND actor_person_id IS NOT NULL")
            .await,
        1
    );
}

/// A signed-in page costs no read of the session while the instance keeps
/// it; an audited change, or ten seconds, and it is read again once. The
/// instance's /metrics counts the reads.
#[tokio::test]
async fn a_kept_session_is_read_once_until_a_change_or_ten_seconds() {
    let mut app = TestApp::new().await;
    app.account("agent@x.test", &[]).await;
    app.sign_in("agent@x.test", PASSWORD).await;
    let before = sessions_read(&mut app).await;
    me(&mut app, 5).await;
    assert_eq!(sessions_read(&mut app).await, before + 1);
    // An audited change: read again, once.
    relais_testkit::audited_change(&app.db.db, app.now()).await;
    me(&mut app, 5).await;
    assert_eq!(sessions_read(&mut app).await, before + 2);
    // Ten seconds later, nothing changed: read again, once.
    app.clock.advance_secs(10);
    me(&mut app, 5).await;
    assert_eq!(sessions_read(&mut app).await, before + 3);
}

/// Asks for /me `n` times in turn, signed in; each gets its page.
async fn me(app: &mut TestApp, n: usize) {
    for _ in 0..n {
        assert_eq!(app.get("/me").await.status, StatusCode::OK);
    }
}

/// The instance's count of sessions read from the database, from /metrics
/// (asked without the session's cookie, so as not to read it).
async fn sessions_read(app: &mut TestApp) -> u64 {
    let m = app.api("GET", "/metrics", None).await;
    m.body
        .lines()
        .find_map(|l| l.strip_prefix("relais_sessions_read_total "))
        .unwrap_or_else(|| panic!("no count of sessions read in {}", m.body))
        .parse()
        .unwrap()
}

#[tokio::test]
async fn a_busy_session_still_ends_at_its_absolute_limit() {
    let mut app = TestApp::new().await;
    app.account("agent@x.test", &[]).await;
    app.sign_in("agent@x.test", PASSWORD).await;
    for _ in 0..14 {
        app.clock.advance_secs(55 * 60);
        let _ = app.get("/").await;
    }
    // 14 × 55 minutes is past 12 hours: signed out although never idle for long.
    assert_eq!(app.get("/").await.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn forms_without_the_right_csrf_token_are_refused() {
    let mut app = TestApp::new().await;
    app.account("agent@x.test", &[]).await;
    app.sign_in("agent@x.test", PASSWORD).await;
    let r = app.post_raw("/logout", "").await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(r.body.contains("Formulaire expiré"));
    let r = app
        .post_raw("/logout", "_csrf=forged-token-forged-token-forged-token")
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // Nothing happened: still signed in.
    assert_eq!(app.get("/").await.status, StatusCode::OK);
    // Same for sign-in itself: a forged login form is refused before any check.
    app.cookies.remove("relais_session");
    let r = app
        .post_raw(
            "/login",
            "email=agent%40x.test&password=correct+horse+battery",
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_language_follows_the_choice_then_the_browser() {
    let mut app = TestApp::new().await;
    app.account("agent@x.test", &[]).await;
    app.accept_language = Some("en".into());
    assert_eq!(app.get("/login").await.html_lang(), Some("en"));
    app.accept_language = None;
    assert_eq!(app.get("/login").await.html_lang(), Some("fr"));

    app.sign_in("agent@x.test", PASSWORD).await;
    let r = app.post_form("/language", &[("lang", "en")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let home = app.get("/").await;
    assert_eq!(home.html_lang(), Some("en"));
    assert!(home.body.contains("Sign out"));
    // Kept on the profile: another browser signing in gets English too.
    let mut other = TestApp {
        cookies: Default::default(),
        ..app
    };
    other.sign_in("agent@x.test", PASSWORD).await;
    assert_eq!(other.get("/").await.html_lang(), Some("en"));
    other.post_form("/language", &[("lang", "fr")]).await;
    assert_eq!(other.get("/").await.html_lang(), Some("fr"));
    let r = other.post_form("/language", &[("lang", "de")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn an_oversized_body_is_refused_with_a_clear_page() {
    let mut app = TestApp::new().await;
    let big = format!("email={}", "a".repeat(2 * 1024 * 1024));
    app.get("/login").await;
    let r = app.post_raw("/login", &big).await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(r.body.contains("Envoi trop volumineux"), "{}", r.body);
}

#[tokio::test]
async fn error_pages_are_localised_and_never_a_bare_500() {
    let mut app = TestApp::new().await;
    let r = app.get("/no/such/page").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(r.body.contains("Page introuvable"));
    app.accept_language = Some("en".into());
    let r = app.get("/no/such/page").await;
    assert!(r.body.contains("Page not found"));
    let r = app.api("GET", "/api/v1/nothing", None).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(r.content_type(), "application/problem+json");
    assert_eq!(r.json()["status"], 404);
}

#[tokio::test]
async fn parallel_guesses_cannot_slip_past_the_limit() {
    let app = TestApp::new().await;
    app.account("agent@x.test", &[]).await;
    let mut tasks = Vec::new();
    for _ in 0..20 {
        let db = app.db.db.clone();
        let clock = app.clock.clone();
        tasks.push(tokio::spawn(async move {
            relais_directory::accounts::authenticate(
                &db,
                &clock,
                "agent@x.test",
                "guess guess guess",
            )
            .await
        }));
    }
    let mut refused_as_wrong = 0;
    for t in tasks {
        if matches!(t.await.unwrap(), Err(relais_core::Error::Invalid { .. })) {
            refused_as_wrong += 1;
        }
    }
    assert!(
        refused_as_wrong <= relais_directory::accounts::MAX_FAILURES,
        "at most {} passwords were checked, not {refused_as_wrong}",
        relais_directory::accounts::MAX_FAILURES
    );
    let r =
        relais_directory::accounts::authenticate(&app.db.db, &app.clock, "agent@x.test", PASSWORD)
            .await;
    assert!(matches!(r, Err(relais_core::Error::TooManyAttempts { .. })));
}

#[tokio::test]
async fn a_session_cookie_cannot_drive_an_api_write() {
    let mut app = TestApp::new().await;
    app.account("agent@x.test", &[]).await;
    app.sign_in("agent@x.test", PASSWORD).await;
    // Reading the API with the cookie works…
    let cookie = app
        .cookies
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("; ");
    let read = axum::http::Request::get("/api/v1/me")
        .header("cookie", &cookie)
        .body(axum::body::Body::empty())
        .unwrap();
    let resp = tower::ServiceExt::oneshot(app.router.clone(), read)
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    // …but a write riding it (a cross-site form, say) is not signed in.
    let write = axum::http::Request::post("/api/v1/sessions/1/registrations")
        .header("cookie", &cookie)
        .header("content-type", "text/plain")
        .body(axum::body::Body::from("{}"))
        .unwrap();
    let resp = tower::ServiceExt::oneshot(app.router.clone(), write)
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
}
