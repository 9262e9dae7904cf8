//! The admin pages: CSV import with the same report as the command line,
//! and the outbox of the demo's mail folder.

mod support;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use support::{PASSWORD, TestApp};

fn multipart(csrf: &str, kind: &str, file: &[u8], skip_invalid: bool) -> (String, Vec<u8>) {
    let boundary = "relais-test-boundary";
    let mut body = Vec::new();
    let mut field = |name: &str, value: &[u8], filename: Option<&str>| {
        body.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
        match filename {
            Some(f) => body.extend_from_slice(
                format!("Content-Disposition: form-data; name=\"{name}\"; filename=\"{f}\"\r\nContent-Type: text/csv\r\n\r\n").as_bytes(),
            ),
            None => body.extend_from_slice(format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n").as_bytes()),
        }
        body.extend_from_slice(value);
        body.extend_from_slice(b"\r\n");
    };
    field("_csrf", csrf.as_bytes(), None);
    field("kind", kind.as_bytes(), None);
    if skip_invalid {
        field("skip_invalid", b"1", None);
    }
    field("file", file, Some("import.csv"));
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

async fn upload(
    app: &mut TestApp,
    csrf: &str,
    kind: &str,
    file: &[u8],
    skip: bool,
) -> support::Resp {
    let (ct, body) = multipart(csrf, kind, file, skip);
    let cookie = app
        .cookies
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("; ");
    let req = Request::post("/admin/import")
        .header(header::CONTENT_TYPE, ct)
        .header(header::COOKIE, cookie)
        .body(Body::from(body))
        .unwrap();
    let resp = tower::ServiceExt::oneshot(app.router.clone(), req)
        .await
        .unwrap();
    support::Resp::read(resp).await
}

#[tokio::test]
async fn an_admin_imports_people_from_the_page_with_the_same_report() {
    let mut app = TestApp::new().await;
    app.account("it@x.test", &["admin"]).await;
    app.sign_in("it@x.test", PASSWORD).await;
    assert_eq!(app.get("/admin/import").await.status, StatusCode::OK);
    let csrf = app.cookies["relais_csrf"].clone();
    let header = "employee_number;email;first_name;last_name;unit_code;team;manager_employee_number;job_category;phd_supervisor;language\n";

    let bad = format!(
        "{header}E100;new@x.test;Nina;Petit;U1001;;;;;\nE101;other@x.test;Omar;Petit;U9999;;;;;\n"
    );
    let r = upload(&mut app, &csrf, "people", bad.as_bytes(), false).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("Import refusé"), "{}", r.body);
    assert!(r.body.contains("<td>3</td>") && r.body.contains("Unité inconnue : U9999"));
    assert!(
        r.body
            .contains("created 0, updated 0, unchanged 0, rejected 1")
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM people WHERE employee_number = 'E100'")
            .await,
        0
    );

    let r = upload(&mut app, &csrf, "people", bad.as_bytes(), true).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(
        r.body
            .contains("created 1, updated 0, unchanged 0, rejected 1")
    );

    let r = upload(&mut app, "forged", "people", bad.as_bytes(), true).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);

    let r = upload(
        &mut app,
        &csrf,
        "units",
        b"code;name;delegation;partners\nU3001;Nouvelle unit\xe9;DR-EST;\n",
        false,
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("pas en UTF-8"), "{}", r.body);
}

#[tokio::test]
async fn an_agent_cannot_import() {
    let mut app = TestApp::new().await;
    app.account("agent@x.test", &[]).await;
    app.sign_in("agent@x.test", PASSWORD).await;
    let csrf = app.cookies["relais_csrf"].clone();
    let r = upload(
        &mut app,
        &csrf,
        "units",
        b"code;name;delegation;partners\nU3001;X;DR-EST;\n",
        false,
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM units WHERE code = 'U3001'")
            .await,
        0
    );
}

#[tokio::test]
async fn a_method_the_api_does_not_take_gets_problem_json() {
    let app = TestApp::new().await;
    let req = Request::post("/api/v1/people")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from("{}"))
        .unwrap();
    let resp = tower::ServiceExt::oneshot(app.router.clone(), req)
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(
        resp.headers()[header::CONTENT_TYPE],
        "application/problem+json"
    );
}
