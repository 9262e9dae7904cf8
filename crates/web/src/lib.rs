//! `relais-web` is the application shell every feature plugs into: the
//! shared state, the error that becomes a page or a problem+json answer, the
//! request context (who is signed in, in which language, the CSRF token),
//! sign-in sessions kept in the database, the layout and navigation,
//! translations, static assets, `/healthz`, `/readyz`, `/metrics`, the
//! OpenAPI document, and the assembly of the features' routers.
//!
//! It knows no feature: the directory plugs in an [`Identity`] that turns a
//! session or a token into a [`relais_core::Principal`], and each feature
//! brings its router, its navigation entries and its OpenAPI paths.

pub mod api;
pub mod assets;
pub mod banners;
pub mod cache;
pub mod client;
pub mod ctx;
pub mod error;
pub mod form;
pub mod health;
pub mod i18n;
pub mod language;
pub mod layout;
pub mod session;

use std::path::PathBuf;
use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use relais_core::{Clock, Principal};
use relais_db::Db;

pub use ctx::Ctx;
pub use error::{AppError, AppResult};
pub use form::CsrfForm;
pub use i18n::T;
pub use layout::{NavItem, PageCtx};

/// Settings the web layer needs, validated by the binary at start.
#[derive(Debug, Clone)]
pub struct WebConfig {
    /// The URL people reach Relais at, used in mailed links (no trailing slash).
    pub public_url: String,
    /// Mark cookies `Secure` (on when `public_url` is https).
    pub secure_cookies: bool,
    /// A session ends after this long without a request…
    pub session_idle_secs: i64,
    /// …and in any case this long after sign-in.
    pub session_absolute_secs: i64,
    /// The institute's time zone for display.
    pub time_zone: String,
    /// Where the demo's mail folder is, for the admin outbox page.
    pub mail_folder: Option<PathBuf>,
    /// Largest request body accepted, in bytes.
    pub body_limit: usize,
    /// The domain used in Message-IDs.
    pub mail_domain: String,
    /// How long a bulk change to sessions can be undone before its notices leave.
    pub undo_secs: i64,
    /// Proxies whose `X-Forwarded-For` is believed (see [`client`]).
    pub trusted_proxies: Vec<std::net::IpAddr>,
}

impl Default for WebConfig {
    fn default() -> Self {
        WebConfig {
            public_url: "http://127.0.0.1:8080".into(),
            secure_cookies: false,
            session_idle_secs: 2 * 3600,
            session_absolute_secs: 12 * 3600,
            time_zone: "Europe/Paris".into(),
            mail_folder: None,
            body_limit: 8 * 1024 * 1024,
            mail_domain: "relais.local".into(),
            undo_secs: 600,
            trusted_proxies: default_trusted_proxies(),
        }
    }
}

/// Loopback: a reverse proxy on the same machine.
pub fn default_trusted_proxies() -> Vec<std::net::IpAddr> {
    vec![
        std::net::IpAddr::V4(std::net::Ipv4Addr::LOCALHOST),
        std::net::IpAddr::V6(std::net::Ipv6Addr::LOCALHOST),
    ]
}

/// Who is behind a session or a token. The directory implements it.
#[async_trait::async_trait]
pub trait Identity: Send + Sync + 'static {
    /// The principal behind a bearer token, `None` if unknown, expired or revoked.
    async fn principal_for_token(&self, token: &str) -> relais_core::Result<Option<Principal>>;
    /// The sign-in session `id` (the SHA-256 of its cookie) with the
    /// principal of its person, read together since every signed-in page
    /// needs both; `None` if there is no such session or its person has no
    /// live account.
    async fn session(&self, id: &str) -> relais_core::Result<Option<session::Held>>;
    /// Keeps a person's choice of language.
    async fn set_language(
        &self,
        person: relais_core::PersonId,
        lang: relais_core::Lang,
    ) -> relais_core::Result<()>;
}

#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub clock: Arc<dyn Clock>,
    pub config: Arc<WebConfig>,
    pub identity: Arc<dyn Identity>,
    pub nav: Arc<Vec<NavItem>>,
    pub openapi: Arc<utoipa::openapi::OpenApi>,
    pub metrics: Arc<health::Metrics>,
    /// Sign-in sessions this instance read lately.
    pub sessions: Arc<session::Kept>,
}

/// A feature's contribution to the application.
pub struct Feature {
    pub router: Router<AppState>,
    pub nav: Vec<NavItem>,
    pub openapi: utoipa::openapi::OpenApi,
}

/// Builds the whole application from the platform and the features.
pub fn app(
    db: Db,
    clock: Arc<dyn Clock>,
    config: WebConfig,
    identity: Arc<dyn Identity>,
    features: Vec<Feature>,
) -> Router {
    let mut nav = vec![NavItem::new("/", "nav-home", |_| true)];
    let mut openapi = api::base_document();
    let mut router = Router::new();
    for f in features {
        nav.extend(f.nav);
        openapi.merge(f.openapi);
        router = router.merge(f.router);
    }
    api::complete_document(&mut openapi);
    let body_limit = config.body_limit;
    let state = AppState {
        db,
        clock,
        config: Arc::new(config),
        identity,
        nav: Arc::new(nav),
        openapi: Arc::new(openapi),
        metrics: Arc::new(health::Metrics::default()),
        sessions: Arc::new(session::Kept::default()),
    };
    router
        .merge(health::router())
        .merge(assets::router())
        .merge(api::router())
        .merge(language::router())
        .fallback(error::not_found)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            ctx::middleware,
        ))
        .layer(DefaultBodyLimit::max(body_limit))
        .layer(tower_http::trace::TraceLayer::new_for_http())
        .with_state(state)
}
