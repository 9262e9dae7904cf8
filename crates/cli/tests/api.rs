//! The JSON API, health, readiness, metrics and the OpenAPI document.

mod support;

use axum::http::StatusCode;
use support::TestApp;

#[tokio::test]
async fn people_are_paged_and_filtered() {
    let mut app = TestApp::new().await;
    let admin = app.account("it@x.test", &["admin"]).await;
    let (_, token) = app.token(admin, 30).await;
    let r = app
        .api("GET", "/api/v1/people?per_page=2", Some(&token))
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let j = r.json();
    assert_eq!(j["total"], 5);
    assert_eq!(j["items"].as_array().unwrap().len(), 2);
    assert_eq!(j["items"][0]["last_name"], "Bénard", "sorted by last name");
    let r = app
        .api("GET", "/api/v1/people?q=HELENE", Some(&token))
        .await;
    assert_eq!(r.json()["items"][0]["email"], "directrice@x.test");
    let units = app.api("GET", "/api/v1/units", Some(&token)).await.json();
    assert_eq!(units["total"], 3);
    let u = units["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["code"] == "U2001")
        .unwrap()
        .clone();
    let r = app
        .api(
            "GET",
            &format!("/api/v1/people?unit={}", u["id"]),
            Some(&token),
        )
        .await;
    assert_eq!(r.json()["total"], 1);
    let d = u["delegation_id"].clone();
    let r = app
        .api(
            "GET",
            &format!("/api/v1/people?delegation={d}"),
            Some(&token),
        )
        .await;
    assert_eq!(r.json()["total"], 1);
    let id = r.json()["items"][0]["id"].clone();
    let one = app
        .api("GET", &format!("/api/v1/people/{id}"), Some(&token))
        .await;
    assert_eq!(one.json()["employee_number"], "E005");
    assert_eq!(
        app.api("GET", "/api/v1/people/999999", Some(&token))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let bad = app
        .api("GET", "/api/v1/people?page=abc", Some(&token))
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert_eq!(bad.content_type(), "application/problem+json");
}

#[tokio::test]
async fn health_readiness_and_metrics_answer() {
    let mut app = TestApp::new().await;
    assert_eq!(app.get("/healthz").await.body, "ok");
    let ready = app.get("/readyz").await;
    assert_eq!(ready.status, StatusCode::OK);
    let m = app.get("/metrics").await;
    assert!(m.body.contains("relais_database_up 1"), "{}", m.body);
    assert!(
        m.body
            .contains("relais_http_responses_total{class=\"2xx\"}"),
        "{}",
        m.body
    );
    app.db.db.close().await;
    assert_eq!(
        app.get("/readyz").await.status,
        StatusCode::SERVICE_UNAVAILABLE
    );
}

#[tokio::test]
async fn the_openapi_document_describes_the_api() {
    let mut app = TestApp::new().await;
    let doc = app.get("/api/openapi.json").await.json();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
    for path in [
        "/api/v1/me",
        "/api/v1/people",
        "/api/v1/people/{id}",
        "/api/v1/units",
    ] {
        assert!(
            doc["paths"][path]["get"].is_object(),
            "{path} is documented"
        );
    }
    assert_eq!(
        doc["components"]["securitySchemes"]["bearer"]["scheme"],
        "bearer"
    );
    assert!(doc["components"]["schemas"]["Problem"].is_object());
}
