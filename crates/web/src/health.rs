//! `/healthz` (the process answers), `/readyz` (and so does the database)
//! and `/metrics` in the Prometheus text format.

use std::sync::atomic::AtomicU64;

use axum::Router;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::get;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::encoding::text::encode;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::registry::Registry;

use crate::AppState;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct StatusLabel {
    class: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct StateLabel {
    state: String,
}

/// Counters this process keeps; gauges are read from the database at scrape time.
#[derive(Default)]
pub struct Metrics {
    responses: Family<StatusLabel, Counter<u64, AtomicU64>>,
    /// Sign-in sessions read from the database (a kept one costs none).
    sessions_read: Counter<u64, AtomicU64>,
}

impl Metrics {
    pub fn session_read(&self) {
        self.sessions_read.inc();
    }

    pub fn observe(&self, status: u16) {
        self.responses
            .get_or_create(&StatusLabel {
                class: format!("{}xx", status / 100),
            })
            .inc();
    }
}

async fn healthz() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], "ok")
}

async fn readyz(State(state): State<AppState>) -> impl IntoResponse {
    let (status, body) = if state.db.ping().await {
        (StatusCode::OK, "ready")
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, "database unavailable")
    };
    let mut resp = (
        status,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        body,
    )
        .into_response();
    resp.extensions_mut().insert(crate::error::AsIs);
    resp
}

async fn metrics(State(state): State<AppState>) -> impl IntoResponse {
    let mut registry = Registry::with_prefix("relais");
    registry.register(
        "http_responses",
        "HTTP responses answered by this instance, by status class",
        state.metrics.responses.clone(),
    );
    registry.register(
        "sessions_read",
        "Sign-in sessions read from the database by this instance (a session kept in memory costs none)",
        state.metrics.sessions_read.clone(),
    );
    let up = Gauge::<i64>::default();
    up.set(i64::from(state.db.ping().await));
    registry.register("database_up", "1 when the database answers", up);
    let jobs = Family::<StateLabel, Gauge<i64>>::default();
    if let Ok(counts) = relais_jobs::counts(&state.db).await {
        for (s, n) in counts {
            jobs.get_or_create(&StateLabel { state: s }).set(n);
        }
    }
    registry.register("jobs", "Jobs in the queue, by state", jobs);
    let mut body = String::new();
    if encode(&mut body, &registry).is_err() {
        return (StatusCode::INTERNAL_SERVER_ERROR, "cannot encode metrics").into_response();
    }
    (
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        body,
    )
        .into_response()
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics))
}
