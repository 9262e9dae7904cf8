//! `TestApp`: the real application, on a fresh database, with a fake clock
//! and a real SMTP listener on loopback, driven request by request like a
//! browser (cookies kept, CSRF token sent back) or like a script (bearer token).

#![allow(dead_code)]

use std::collections::HashMap;
use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use relais_core::values::{Email, NewPassword};
use relais_core::{Clock, Timestamp};
use relais_db::audit::Actor;
use relais_directory::access::DirectoryAdmin;
use relais_directory::import::{self, ImportOptions};
use relais_jobs::Worker;
use relais_mail::{Mailer, Transport};
use relais_testkit::{FakeClock, SmtpSink, TestDb};
use tower::ServiceExt;

pub const PASSWORD: &str = "correct horse battery";

pub const UNITS: &str = "code;name;delegation;partners
U1001;Centre de recherche en immunologie;DR-PACA;Aix-Marseille Université|CNRS
U1002;Institut de neurosciences;DR-PACA;
U2001;Unité d'épidémiologie;DR-EST;Université de Strasbourg
";

pub const PEOPLE: &str = "employee_number;email;first_name;last_name;unit_code;team;manager_employee_number;job_category;phd_supervisor;language
E001;directrice@x.test;Hélène;Lefèvre;U1001;Équipe Lefèvre;;Chercheur;;
E002;agent@x.test;Loïc;Martin;U1001;Équipe Lefèvre;E001;Technicien;;
E003;doctorante@x.test;Anaïs;Da Silva;U1001;Équipe Lefèvre;E001;Doctorant;E001;en
E004;it@x.test;Jérôme;Bénard;U1002;;;Ingénieur;;
E005;est@x.test;Zoé;Müller;U2001;;;Chercheur;;
";

pub struct Resp {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: String,
    pub bytes: Vec<u8>,
}

impl Resp {
    /// Reads a whole response.
    pub async fn read(resp: axum::response::Response) -> Resp {
        let status = resp.status();
        let headers = resp.headers().clone();
        let bytes = axum::body::to_bytes(resp.into_body(), usize::MAX)
            .await
            .unwrap();
        Resp {
            status,
            headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
            bytes: bytes.to_vec(),
        }
    }

    /// The text of a spreadsheet answer: its shared strings, then each
    /// sheet's XML (names, numbers and inline strings), read from the zip.
    #[allow(dead_code)]
    pub fn xlsx_text(&self) -> String {
        use std::io::Read;
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(&self.bytes)).expect("an XLSX zip");
        let mut out = String::new();
        for i in 0..zip.len() {
            let mut f = zip.by_index(i).unwrap();
            let name = f.name().unwrap().to_string();
            if name == "xl/sharedStrings.xml"
                || name.starts_with("xl/worksheets/")
                || name == "xl/workbook.xml"
            {
                f.read_to_string(&mut out).unwrap();
            }
        }
        out
    }

    pub fn location(&self) -> &str {
        self.headers
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }

    pub fn content_type(&self) -> &str {
        self.headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    pub fn html_lang(&self) -> Option<&str> {
        let i = self.body.find("<html lang=\"")? + 12;
        self.body.get(i..i + 2)
    }
}

pub struct TestApp {
    pub db: TestDb,
    pub clock: FakeClock,
    pub router: Router,
    pub smtp: SmtpSink,
    pub worker: Worker,
    pub cookies: HashMap<String, String>,
    pub accept_language: Option<String>,
    /// The connection's address, as `relais serve` would pass it (none: unknown).
    pub peer: Option<std::net::SocketAddr>,
    /// An `X-Forwarded-For` header to send.
    pub forwarded_for: Option<String>,
}

fn web_config() -> relais_web::WebConfig {
    relais_web::WebConfig {
        public_url: "http://relais.test".into(),
        mail_domain: "relais.test".into(),
        body_limit: 1024 * 1024,
        ..Default::default()
    }
}

impl TestApp {
    /// A second instance of the application on the same database and
    /// clock, as `relais serve` run twice behind a load balancer: swap it
    /// with `router` to send requests to it.
    pub fn second_instance(&self) -> Router {
        relais::app(
            self.db.db.clone(),
            Arc::new(self.clock.clone()),
            web_config(),
        )
    }

    /// The application with a small directory: two delegations, three units, five people.
    pub async fn new() -> TestApp {
        let db = TestDb::new().await;
        let clock = FakeClock::new(Timestamp::from_jiff(
            "2020-03-17T08:00:00Z".parse().unwrap(),
        ));
        let smtp = SmtpSink::start().await;
        let web = web_config();
        let router = relais::app(db.db.clone(), Arc::new(clock.clone()), web.clone());
        let mailer = Arc::new(Mailer {
            from: "Relais <relais@relais.test>".parse().unwrap(),
            transport: Transport::smtp(&smtp.url()).unwrap(),
        });
        let worker = Worker::new(
            db.db.clone(),
            Arc::new(clock.clone()),
            relais::job_handlers(db.db.clone(), Arc::new(clock.clone()), &web, mailer),
        );
        let app = TestApp {
            db,
            clock,
            router,
            smtp,
            worker,
            cookies: HashMap::new(),
            accept_language: None,
            peer: None,
            forwarded_for: None,
        };
        app.import(UNITS, PEOPLE).await;
        app
    }

    pub async fn import(&self, units: &str, people: &str) {
        let cap = DirectoryAdmin::operator();
        let opts = ImportOptions::default();
        let r = import::import_units(
            &self.db.db,
            &self.clock,
            Actor::SYSTEM,
            cap,
            units.as_bytes(),
            opts,
            &import::no_progress,
        )
        .await
        .unwrap();
        assert!(r.written, "{:?}", r.errors);
        let r = import::import_people(
            &self.db.db,
            &self.clock,
            Actor::SYSTEM,
            cap,
            people.as_bytes(),
            opts,
            &import::no_progress,
        )
        .await
        .unwrap();
        assert!(r.written, "{:?}", r.errors);
    }

    /// The id of the delegation with this code (`DR-PACA`…).
    pub async fn delegation(&self, code: &str) -> i64 {
        sqlx::query_as::<_, (i64,)>("SELECT id FROM delegations WHERE code = $1")
            .bind(code)
            .fetch_one(self.db.db.pool())
            .await
            .unwrap()
            .0
    }

    /// Gives `email` an account with `PASSWORD` and these roles (`ROLE[:SCOPE]`).
    pub async fn account(&self, email: &str, roles: &[&str]) -> relais_core::PersonId {
        let mut grants = Vec::new();
        for r in roles {
            grants.push(
                relais_directory::accounts::parse_grant(&self.db.db, r)
                    .await
                    .unwrap(),
            );
        }
        relais_directory::accounts::create_user(
            &self.db.db,
            &self.clock,
            &Email::parse(email).unwrap(),
            &grants,
            &NewPassword::parse(PASSWORD).unwrap(),
        )
        .await
        .unwrap()
    }

    pub async fn token(
        &self,
        person: relais_core::PersonId,
        days: i64,
    ) -> (relais_core::TokenId, String) {
        relais_directory::tokens::create(
            &self.db.db,
            &self.clock,
            Actor::SYSTEM,
            person,
            "test",
            days,
        )
        .await
        .unwrap()
    }

    async fn send(&mut self, mut req: Request<Body>) -> Resp {
        let cookie = self
            .cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ");
        if !cookie.is_empty() {
            req.headers_mut()
                .insert(header::COOKIE, cookie.parse().unwrap());
        }
        if let Some(peer) = self.peer {
            req.extensions_mut()
                .insert(axum::extract::ConnectInfo(peer));
        }
        if let Some(f) = &self.forwarded_for {
            req.headers_mut()
                .insert("x-forwarded-for", f.parse().unwrap());
        }
        if let Some(l) = &self.accept_language {
            req.headers_mut()
                .insert(header::ACCEPT_LANGUAGE, l.parse().unwrap());
        }
        let resp = self.router.clone().oneshot(req).await.unwrap();
        for c in resp.headers().get_all(header::SET_COOKIE) {
            let c = cookie::Cookie::parse(c.to_str().unwrap().to_string()).unwrap();
            if c.max_age().is_some_and(|a| a.is_zero()) {
                self.cookies.remove(c.name());
            } else {
                self.cookies
                    .insert(c.name().to_string(), c.value().to_string());
            }
        }
        Resp::read(resp).await
    }

    pub async fn get(&mut self, path: &str) -> Resp {
        self.send(Request::get(path).body(Body::empty()).unwrap())
            .await
    }

    /// A form post that carries the page's CSRF token, as a browser would.
    pub async fn post_form(&mut self, path: &str, fields: &[(&str, &str)]) -> Resp {
        if !self.cookies.contains_key("relais_csrf") {
            self.get("/login").await;
        }
        let csrf = self.cookies["relais_csrf"].clone();
        let mut all: Vec<(&str, &str)> = vec![("_csrf", csrf.as_str())];
        all.extend_from_slice(fields);
        self.post_raw(path, &serde_urlencoded::to_string(&all).unwrap())
            .await
    }

    /// A form post with exactly these fields (no CSRF token added).
    pub async fn post_raw(&mut self, path: &str, body: &str) -> Resp {
        let req = Request::post(path)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body.to_string()))
            .unwrap();
        self.send(req).await
    }

    pub async fn sign_in(&mut self, email: &str, password: &str) -> Resp {
        self.post_form(
            "/login",
            &[("email", email), ("password", password), ("next", "/")],
        )
        .await
    }

    pub async fn api(&mut self, method: &str, path: &str, token: Option<&str>) -> Resp {
        let mut req = Request::builder().method(method).uri(path);
        if let Some(t) = token {
            req = req.header(header::AUTHORIZATION, format!("Bearer {t}"));
        }
        let saved = std::mem::take(&mut self.cookies);
        let r = self.send(req.body(Body::empty()).unwrap()).await;
        self.cookies = saved;
        r
    }

    /// An API call with a raw body, sent with `content_type` when there is one.
    pub async fn api_body(
        &mut self,
        method: &str,
        path: &str,
        token: &str,
        content_type: Option<&str>,
        body: &str,
    ) -> Resp {
        let mut req = Request::builder()
            .method(method)
            .uri(path)
            .header(header::AUTHORIZATION, format!("Bearer {token}"));
        if let Some(ct) = content_type {
            req = req.header(header::CONTENT_TYPE, ct);
        }
        let saved = std::mem::take(&mut self.cookies);
        let r = self
            .send(req.body(Body::from(body.to_string())).unwrap())
            .await;
        self.cookies = saved;
        r
    }

    pub async fn run_jobs(&self) -> usize {
        self.worker.run_pending().await.unwrap()
    }

    pub async fn count(&self, sql: &'static str) -> i64 {
        let (n,): (i64,) = sqlx::query_as(sql)
            .fetch_one(self.db.db.pool())
            .await
            .unwrap();
        n
    }

    pub fn now(&self) -> Timestamp {
        self.clock.now()
    }
}

/// An API call with a bearer token and an optional JSON body, without the
/// app's cookies.
pub async fn call(
    app: &TestApp,
    method: &str,
    path: &str,
    token: &str,
    body: Option<serde_json::Value>,
) -> Resp {
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
    let resp = app
        .router
        .clone()
        .oneshot(req.body(body).unwrap())
        .await
        .unwrap();
    Resp::read(resp).await
}

/// POSTs `body`, expects 201 Created, and returns the new id.
pub async fn created(app: &TestApp, path: &str, token: &str, body: serde_json::Value) -> i64 {
    let r = call(app, "POST", path, token, Some(body)).await;
    assert_eq!(r.status, StatusCode::CREATED, "{path}: {}", r.body);
    r.json()["id"].as_i64().unwrap()
}
