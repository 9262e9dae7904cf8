//! Who may see what: roles with scopes, decided in the services; 403 (401
//! when not signed in), never a 500; tokens that expire or are revoked.

mod support;

use axum::http::StatusCode;
use support::{PASSWORD, TestApp};

#[tokio::test]
async fn an_agent_sees_their_profile_but_not_the_directory() {
    let mut app = TestApp::new().await;
    app.account("agent@x.test", &[]).await;
    app.sign_in("agent@x.test", PASSWORD).await;
    let me = app.get("/me").await;
    assert_eq!(me.status, StatusCode::OK);
    assert!(me.body.contains("E002"));
    for path in ["/people", "/units", "/admin", "/admin/import"] {
        let r = app.get(path).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{path}");
        assert!(r.body.contains("Accès refusé"), "{path}");
    }
    // Their manager's record is not theirs to read.
    let (boss,): (i64,) = sqlx::query_as("SELECT id FROM people WHERE employee_number = 'E001'")
        .fetch_one(app.db.db.pool())
        .await
        .unwrap();
    assert_eq!(
        app.get(&format!("/people/{boss}")).await.status,
        StatusCode::FORBIDDEN
    );
    // No link in the navigation to what they may not see.
    assert!(!me.body.contains("href=\"/people\""));
}

#[tokio::test]
async fn a_manager_reads_their_reports_and_phd_students() {
    let mut app = TestApp::new().await;
    app.account("directrice@x.test", &[]).await;
    app.sign_in("directrice@x.test", PASSWORD).await;
    let me = app.get("/me").await;
    assert!(me.body.contains("Loïc Martin") && me.body.contains("Anaïs Da Silva"));
    let (student,): (i64,) = sqlx::query_as("SELECT id FROM people WHERE employee_number = 'E003'")
        .fetch_one(app.db.db.pool())
        .await
        .unwrap();
    let r = app.get(&format!("/people/{student}")).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("Hélène Lefèvre"), "the supervisor is named");
}

#[tokio::test]
async fn it_staff_browse_their_delegation_only() {
    let mut app = TestApp::new().await;
    app.account("it@x.test", &["it_staff:delegation:DR-PACA"])
        .await;
    app.sign_in("it@x.test", PASSWORD).await;
    let r = app.get("/people?q=lefevre").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("Lefèvre"), "accents folded in search");
    let r = app.get("/people").await;
    assert!(r.body.contains("4 résultats"), "four people in DR-PACA");
    assert!(!r.body.contains("Müller"), "DR-EST is out of scope");
    let (other,): (i64,) = sqlx::query_as("SELECT id FROM people WHERE employee_number = 'E005'")
        .fetch_one(app.db.db.pool())
        .await
        .unwrap();
    assert_eq!(
        app.get(&format!("/people/{other}")).await.status,
        StatusCode::FORBIDDEN
    );
    let units = app.get("/units").await;
    assert!(units.body.contains("U1001") && !units.body.contains("U2001"));
    assert!(
        units.body.contains("Aix-Marseille Université, CNRS"),
        "partners of a joint unit"
    );
}

#[tokio::test]
async fn api_answers_401_403_and_problem_json() {
    let mut app = TestApp::new().await;
    let agent = app.account("agent@x.test", &[]).await;
    let r = app.api("GET", "/api/v1/me", None).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert_eq!(r.content_type(), "application/problem+json");
    assert_eq!(r.headers.get("www-authenticate").unwrap(), "Bearer");
    let (_, token) = app.token(agent, 30).await;
    let me = app.api("GET", "/api/v1/me", Some(&token)).await;
    assert_eq!(me.status, StatusCode::OK);
    assert_eq!(me.json()["email"], "agent@x.test");
    let r = app.api("GET", "/api/v1/people", Some(&token)).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(r.json()["type"], "urn:relais:problem:forbidden");
    assert!(r.json()["detail"].as_str().unwrap().contains("rôle"));
}

#[tokio::test]
async fn revoked_and_expired_tokens_stop_working() {
    let mut app = TestApp::new().await;
    let admin = app.account("it@x.test", &["admin"]).await;
    let (id, token) = app.token(admin, 1).await;
    assert_eq!(
        app.api("GET", "/api/v1/people", Some(&token)).await.status,
        StatusCode::OK
    );
    app.clock.advance_secs(86_400 + 1);
    let r = app.api("GET", "/api/v1/people", Some(&token)).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert!(
        r.json()["detail"]
            .as_str()
            .unwrap()
            .contains("expiré ou révoqué")
    );

    let (_, token2) = app.token(admin, 30).await;
    assert_eq!(
        app.api("GET", "/api/v1/me", Some(&token2)).await.status,
        StatusCode::OK
    );
    let (id2,): (i64,) = sqlx::query_as("SELECT MAX(id) FROM api_tokens")
        .fetch_one(app.db.db.pool())
        .await
        .unwrap();
    assert_ne!(id.0, id2);
    relais_directory::tokens::revoke(
        &app.db.db,
        &app.clock,
        relais_db::audit::Actor::SYSTEM,
        admin,
        relais_core::TokenId(id2),
    )
    .await
    .unwrap();
    assert_eq!(
        app.api("GET", "/api/v1/me", Some(&token2)).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.api("GET", "/api/v1/me", Some("rls_made-up"))
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    // Tokens are stored hashed.
    assert_eq!(
        app.count("SELECT COUNT(*) FROM api_tokens WHERE token_hash LIKE 'rls_%'")
            .await,
        0
    );
}

#[tokio::test]
async fn a_person_creates_and_revokes_their_own_token_from_their_page() {
    let mut app = TestApp::new().await;
    app.account("agent@x.test", &[]).await;
    app.sign_in("agent@x.test", PASSWORD).await;
    let r = app
        .post_form("/me/tokens", &[("label", "mon script"), ("days", "30")])
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let start = r
        .body
        .find("<code>rls_")
        .expect("the new token is shown once")
        + 6;
    let token = r.body[start..].split('<').next().unwrap().to_string();
    assert_eq!(
        app.api("GET", "/api/v1/me", Some(&token)).await.status,
        StatusCode::OK
    );
    assert!(
        !app.get("/me").await.body.contains(&token),
        "never shown again"
    );
    let r = app
        .post_form("/me/tokens", &[("label", "x"), ("days", "0")])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let (id,): (i64,) = sqlx::query_as("SELECT id FROM api_tokens")
        .fetch_one(app.db.db.pool())
        .await
        .unwrap();
    let r = app.post_form(&format!("/me/tokens/{id}/revoke"), &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(
        app.api("GET", "/api/v1/me", Some(&token)).await.status,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn changes_are_in_a_verifiable_audit_chain() {
    let mut app = TestApp::new().await;
    app.account("agent@x.test", &[]).await;
    app.sign_in("agent@x.test", PASSWORD).await;
    app.post_form("/me/tokens", &[("label", "s"), ("days", "3")])
        .await;
    let (actor,): (Option<i64>,) =
        sqlx::query_as("SELECT actor_person_id FROM audit_log WHERE action = 'token.create'")
            .fetch_one(app.db.db.pool())
            .await
            .unwrap();
    assert!(
        actor.is_some(),
        "the person who made the change is recorded"
    );
    assert!(
        matches!(relais_db::audit::verify(&app.db.db).await.unwrap(), relais_db::audit::Verdict::Intact { entries } if entries >= 4)
    );
}
