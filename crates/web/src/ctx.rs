//! The request context, worked out once per request by [`middleware`]: who
//! is acting (session cookie or bearer token), in which language, with which
//! CSRF token. Handlers take it as an extractor. The same middleware turns
//! errors into pages or problem+json in the person's language and adds the
//! security headers.

use std::convert::Infallible;

use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use base64::Engine;
use relais_core::{Lang, Principal};

use crate::AppState;
use crate::error::{self, ErrorMarker};
use crate::session::{self, Lookup, SESSION_COOKIE};

pub const CSRF_COOKIE: &str = "relais_csrf";
pub const LANG_COOKIE: &str = "relais_lang";

#[derive(Debug, Clone)]
pub struct Ctx {
    pub principal: Option<Principal>,
    pub lang: Lang,
    /// The token forms must send back as `_csrf`.
    pub csrf: String,
    /// The request is for the JSON API (answers are problem+json).
    pub api: bool,
    /// A session cookie came in but its session had expired.
    pub session_expired: bool,
    /// A bearer token came in but it is unknown, expired or revoked.
    pub bad_token: bool,
    /// Path and query of the request, for "back to where you were" links.
    pub path: String,
    /// The audit log's head, read after the request arrived, if its sign-in
    /// session's check read it ([`crate::cache::PageCache::get`] takes it).
    pub head: Option<i64>,
}

impl<S: Send + Sync> FromRequestParts<S> for Ctx {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(parts
            .extensions
            .get::<Ctx>()
            .cloned()
            .unwrap_or_else(|| Ctx {
                principal: None,
                lang: Lang::Fr,
                csrf: String::new(),
                api: parts.uri.path().starts_with("/api/"),
                session_expired: false,
                bad_token: false,
                path: parts.uri.path().to_string(),
                head: None,
            }))
    }
}

impl Ctx {
    /// The signed-in principal, or `Unauthenticated`.
    pub fn require(&self) -> Result<&Principal, relais_core::Error> {
        self.principal
            .as_ref()
            .ok_or(relais_core::Error::Unauthenticated)
    }
}

pub fn random_token() -> String {
    let bytes: [u8; 32] = rand::random();
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    let v = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = v.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

pub(crate) fn cookie(
    state: &AppState,
    name: &'static str,
    value: String,
    max_age_secs: Option<i64>,
) -> Cookie<'static> {
    let mut c = Cookie::build((name, value))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(state.config.secure_cookies)
        .build();
    if let Some(secs) = max_age_secs {
        c.set_max_age(cookie::time::Duration::seconds(secs));
    }
    c
}

pub async fn middleware(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let jar = CookieJar::from_headers(req.headers());
    let path = req
        .uri()
        .path_and_query()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| "/".into());
    let api = req.uri().path().starts_with("/api/");
    let mut set_cookies: Vec<Cookie<'static>> = Vec::new();
    let mut session_expired = false;
    let mut bad_token = false;
    let mut head = None;

    // The API changes state only for bearer tokens: a browser's session cookie
    // may read it, but a cross-site form riding that cookie can never write.
    let cookie_may_act = !api
        || matches!(
            *req.method(),
            axum::http::Method::GET | axum::http::Method::HEAD
        );
    let principal = if let Some(token) = bearer(req.headers()) {
        match state.identity.principal_for_token(token).await {
            Ok(Some(p)) => Some(p),
            Ok(None) => {
                bad_token = true;
                None
            }
            Err(e) => {
                tracing::error!(error = %e, "token lookup failed");
                None
            }
        }
    } else if let Some(c) = jar.get(SESSION_COOKIE).filter(|_| cookie_may_act) {
        let found = session::lookup(&state, c.value()).await.map(|(found, h)| {
            head = h;
            found
        });
        match found {
            Ok(Lookup::Valid(principal)) => Some(*principal),
            Ok(Lookup::Expired) => {
                session_expired = true;
                set_cookies.push(cookie(&state, SESSION_COOKIE, String::new(), Some(0)));
                None
            }
            Ok(Lookup::Unknown) => {
                set_cookies.push(cookie(&state, SESSION_COOKIE, String::new(), Some(0)));
                None
            }
            Err(e) => {
                tracing::error!(error = %e, "session lookup failed");
                None
            }
        }
    } else {
        None
    };

    let lang = principal
        .as_ref()
        .and_then(|p| p.lang)
        .or_else(|| jar.get(LANG_COOKIE).and_then(|c| Lang::parse(c.value())))
        .or_else(|| {
            req.headers()
                .get(header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok())
                .and_then(Lang::from_accept_language)
        })
        .unwrap_or_default();

    let csrf = match jar.get(CSRF_COOKIE) {
        Some(c) if c.value().len() >= 32 => c.value().to_string(),
        // The API authenticates with bearer tokens and has no forms: no cookie to hand out.
        _ if api => String::new(),
        _ => {
            let t = random_token();
            let mut c = cookie(&state, CSRF_COOKIE, t.clone(), None);
            c.set_same_site(SameSite::Strict);
            set_cookies.push(c);
            t
        }
    };

    let ctx = Ctx {
        principal,
        lang,
        csrf,
        api,
        session_expired,
        bad_token,
        path,
        head,
    };
    req.extensions_mut().insert(ctx.clone());
    let mut resp = next.run(req).await;

    if let Some(marker) = resp.extensions_mut().remove::<ErrorMarker>() {
        resp = error::render(&state, &ctx, &marker.0);
    } else if (resp.status().is_client_error() || resp.status().is_server_error())
        && !error::is_rendered(&resp)
    {
        // A rejection from axum itself (bad form, body too large…): answer in the person's language.
        let err = error::AppError::from_status(resp.status());
        resp = error::render(&state, &ctx, &err);
    }
    state.metrics.observe(resp.status().as_u16());

    let headers = resp.headers_mut();
    for c in set_cookies {
        if let Ok(v) = HeaderValue::from_str(&c.to_string()) {
            headers.append(header::SET_COOKIE, v);
        }
    }
    headers.insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    headers.insert("x-frame-options", HeaderValue::from_static("DENY"));
    headers.insert("referrer-policy", HeaderValue::from_static("same-origin"));
    headers.entry(header::CONTENT_SECURITY_POLICY).or_insert(HeaderValue::from_static(
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    ));
    if !resp.headers().contains_key(header::CACHE_CONTROL) {
        resp.headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    resp
}
