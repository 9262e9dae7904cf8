//! Helpers the desk's end-to-end tests share: calls with a bearer token,
//! the desk's services on the test clock, the usual people, and mail.

#![allow(dead_code)]

use axum::body::Body;
use axum::http::Request;

use crate::support::TestApp;

pub async fn anon(app: &TestApp, path: &str) -> serde_json::Value {
    let req = Request::get(path).body(Body::empty()).unwrap();
    let resp = tower::ServiceExt::oneshot(app.router.clone(), req)
        .await
        .unwrap();
    let bytes = axum::body::to_bytes(resp.into_body(), usize::MAX)
        .await
        .unwrap();
    serde_json::from_slice(&bytes).unwrap()
}

pub fn desk(app: &TestApp) -> relais_desk::Desk {
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
pub struct People {
    pub agent: String,
    pub colleague: String,
    pub correspondent: String,
    pub staff: String,
    pub far: String,
}

pub async fn people(app: &TestApp) -> People {
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

pub async fn support_principal(app: &TestApp, email: &str) -> relais_core::Principal {
    let (id,): (i64,) = sqlx::query_as("SELECT id FROM people WHERE email = $1")
        .bind(email)
        .fetch_one(app.db.db.pool())
        .await
        .unwrap();
    relais_directory::identity::load_principal(&app.db.db, relais_core::PersonId(id))
        .await
        .unwrap()
        .unwrap()
}

pub fn mail(from: &str, subject: &str, extra: &str, body: &str) -> Vec<u8> {
    format!("From: {from}\r\nTo: support@relais.test\r\nSubject: {subject}\r\nMessage-ID: <{}@mail.example>\r\n{extra}MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n",
        rand_id()).into_bytes()
}

pub fn rand_id() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    format!(
        "m{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst)
    )
}

/// `relais mailgate` as an MTA runs it: one process, the message on stdin.
pub fn mailgate_process(app: &TestApp, raw: &[u8]) -> (i32, String, String) {
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

/// Ticket `id` as the token's owner reads it through the API.
pub async fn ticket_view(app: &TestApp, id: i64, token: &str) -> serde_json::Value {
    crate::support::call(app, "GET", &format!("/api/v1/tickets/{id}"), token, None)
        .await
        .json()
}

/// The bodies of the messages of ticket `id` that the token's owner sees.
pub async fn bodies(app: &TestApp, id: i64, token: &str) -> Vec<String> {
    ticket_view(app, id, token).await["messages"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|m| m["body"].as_str().map(String::from))
        .collect()
}
