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

/// Found by schemathesis: answers the web layer gives by itself (400, 401,
/// 404, 413, 415, 422) were missing from most operations, and the paging
/// parameters were documented as required path parameters.
#[tokio::test]
async fn every_api_operation_documents_the_answers_the_web_layer_gives() {
    let mut app = TestApp::new().await;
    let doc = app.get("/api/openapi.json").await.json();
    let mut operations = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            operations += 1;
            let responses = &op["responses"];
            let has = |s: &str| responses[s].is_object();
            assert!(has("400"), "{method} {path}: 400");
            assert_eq!(
                responses["401"]["content"]["application/problem+json"]["schema"]["$ref"],
                "#/components/schemas/Problem",
                "{method} {path}: 401 is a problem"
            );
            assert!(
                responses["401"]["headers"]["WWW-Authenticate"].is_object(),
                "{method} {path}: 401 documents WWW-Authenticate"
            );
            if path.contains('{') {
                assert!(has("404"), "{method} {path}: 404");
            }
            if op["requestBody"].is_object() {
                for s in ["413", "415", "422"] {
                    assert!(has(s), "{method} {path}: {s}");
                }
            }
            for p in op["parameters"].as_array().into_iter().flatten() {
                if p["in"] == "path" {
                    assert!(
                        path.contains(&format!("{{{}}}", p["name"].as_str().unwrap())),
                        "{method} {path}: path parameter {} is in the path",
                        p["name"]
                    );
                }
            }
        }
    }
    assert!(operations >= 10, "{operations} operations");
    let people = &doc["paths"]["/api/v1/people"]["get"]["parameters"];
    let per_page = people
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "per_page")
        .unwrap();
    assert_eq!(per_page["in"], "query");
    assert_eq!(per_page["required"], false);
    assert_eq!(per_page["schema"]["minimum"], 1);
    assert_eq!(per_page["schema"]["maximum"], 200);
    assert!(
        doc["paths"]["/api/v1/courses"]["post"]["responses"]["201"]["headers"]["Location"]
            .is_object()
    );
}

/// Found by schemathesis: `/api/v1/courses/true` or an id beyond 64 bits
/// answered a bare "bad request"; the problem now names the parameter.
#[tokio::test]
async fn unreadable_path_and_query_parameters_are_problems_naming_them() {
    let mut app = TestApp::new().await;
    let admin = app.account("it@x.test", &["admin"]).await;
    let (_, token) = app.token(admin, 30).await;
    for (path, name) in [
        ("/api/v1/people/true", "id"),
        ("/api/v1/people/9223372036854775808", "id"),
        ("/api/v1/courses/-97293443605177892864", "id"),
        ("/api/v1/people?page=abc", "page"),
        ("/api/v1/units?delegation=1.5", "delegation"),
        ("/api/v1/sessions?open=maybe", "open"),
    ] {
        let r = app.api("GET", path, Some(&token)).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{path}: {}", r.body);
        assert_eq!(r.content_type(), "application/problem+json", "{path}");
        let j = r.json();
        assert_eq!(j["type"], "urn:relais:problem:bad-parameter", "{path}");
        assert_eq!(j["errors"][0]["field"], name, "{path}");
        assert!(j["detail"].as_str().unwrap().contains(name), "{path}: {j}");
    }
    app.accept_language = Some("en".into());
    let r = app.api("GET", "/api/v1/people/true", Some(&token)).await;
    assert_eq!(
        r.json()["detail"],
        "The parameter “id” does not have the expected form."
    );
}

/// Found by schemathesis: `per_page=2147483648` or `page=0` were quietly
/// clamped, so a client never learnt it had asked for what the API refuses.
#[tokio::test]
async fn paging_out_of_range_is_refused_not_clamped() {
    let mut app = TestApp::new().await;
    let admin = app.account("it@x.test", &["admin"]).await;
    let (_, token) = app.token(admin, 30).await;
    for (query, field) in [
        ("page=0", "page"),
        ("page=2147483648", "page"),
        ("per_page=0", "per_page"),
        ("per_page=201", "per_page"),
        ("per_page=2147483648", "per_page"),
    ] {
        for list in [
            "/api/v1/people",
            "/api/v1/units",
            "/api/v1/courses",
            "/api/v1/sessions",
        ] {
            let r = app
                .api("GET", &format!("{list}?{query}"), Some(&token))
                .await;
            assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{list}?{query}");
            assert_eq!(r.json()["errors"][0]["field"], field, "{list}?{query}");
        }
    }
    let r = app
        .api("GET", "/api/v1/people?page=2&per_page=200", Some(&token))
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json()["per_page"], 200);
}

/// Found by schemathesis: a body that is not JSON, JSON of the wrong shape
/// and JSON Schema integers written `60.0` all answered the same bare 400;
/// a registration body of `null`, which the document allows, was refused.
#[tokio::test]
async fn json_bodies_are_read_as_their_schema_says() {
    let mut app = TestApp::new().await;
    let officer = app.account("it@x.test", &["training_officer"]).await;
    let (_, token) = app.token(officer, 30).await;
    let json = Some("application/json");

    let r = app
        .api_body(
            "POST",
            "/api/v1/courses",
            &token,
            None,
            r#"{"title":"X","format":"webinar"}"#,
        )
        .await;
    assert_eq!(r.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(r.content_type(), "application/problem+json");

    let r = app
        .api_body("POST", "/api/v1/courses", &token, json, "\0")
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.json()["type"], "urn:relais:problem:bad-json");

    let r = app
        .api_body(
            "POST",
            "/api/v1/courses",
            &token,
            json,
            r#"{"title": 5, "format": "webinar"}"#,
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.json()["type"], "urn:relais:problem:bad-body");
    assert_eq!(r.json()["errors"][0]["field"], "title");

    let r = app
        .api_body(
            "POST",
            "/api/v1/courses",
            &token,
            json,
            r#"{"title": "Sans format"}"#,
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.json()["errors"][0]["field"], "format");

    let r = app
        .api_body(
            "POST",
            "/api/v1/courses",
            &token,
            json,
            r#"{"title": "Réunions", "format": "workshop", "duration_minutes": 60.0, "extra": [1.5]}"#,
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let course = r.json()["id"].as_i64().unwrap();
    let r = app
        .api("GET", &format!("/api/v1/courses/{course}"), Some(&token))
        .await;
    assert_eq!(r.json()["duration_minutes"], 60);

    let r = app
        .api_body(
            "POST",
            &format!("/api/v1/courses/{course}/sessions"),
            &token,
            json,
            r#"{"starts_at": "2020-03-24T09:00:00+01:00", "ends_at": "2020-03-24T12:00:00+01:00", "capacity": 4.0}"#,
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let session = r.json()["id"].as_i64().unwrap();
    let r = app
        .api_body(
            "POST",
            &format!("/api/v1/sessions/{session}/registrations"),
            &token,
            json,
            "null",
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let r = app
        .api_body(
            "POST",
            &format!("/api/v1/sessions/{session}/registrations"),
            &token,
            json,
            "{",
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
}

/// Found by schemathesis against a PostgreSQL demo: a NUL character in a
/// query string or a JSON string was a 500 there (PostgreSQL text cannot hold
/// one). It is refused, on every backend, before it reaches the database.
#[tokio::test]
async fn nul_characters_are_refused_before_the_database() {
    let mut app = TestApp::new().await;
    let officer = app
        .account("it@x.test", &["training_officer", "admin"])
        .await;
    let (_, token) = app.token(officer, 30).await;
    for path in [
        "/api/v1/people?q=a%00b",
        "/api/v1/courses?theme=%00",
        "/api/v1/units?q=%00",
    ] {
        let r = app.api("GET", path, Some(&token)).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{path}: {}", r.body);
        assert_eq!(
            r.json()["type"],
            "urn:relais:problem:bad-parameter",
            "{path}"
        );
    }
    let r = app
        .api_body(
            "POST",
            "/api/v1/courses",
            &token,
            Some("application/json"),
            r#"{"title": "T", "format": "webinar", "themes": ["ok", "a\u0000b"]}"#,
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_eq!(r.json()["errors"][0]["field"], "themes[1]");
}
