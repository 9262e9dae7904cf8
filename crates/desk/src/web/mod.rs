//! The desk's pages and API, plugged into the web shell.

mod api;
mod forms;
mod hotline_pages;
mod pages;
mod public_pages;
mod reports;
mod staff;

use axum::Router;
use relais_web::{AppState, Feature, NavItem, T};

use crate::Desk;
use crate::access::DeskStaff;
use crate::model::{Category, Priority, Status, Urgency};

pub fn feature() -> Feature {
    Feature {
        router: Router::<AppState>::new()
            .merge(api::router())
            .merge(pages::router())
            .merge(public_pages::router())
            .merge(staff::router())
            .merge(hotline_pages::router())
            .merge(reports::router()),
        nav: vec![
            NavItem::new("/desk", "nav-desk", |_| true),
            NavItem::new("/desk/queue", "nav-desk-queue", DeskStaff::is_staff),
        ],
        openapi: <api::DeskApi as utoipa::OpenApi>::openapi(),
    }
}

pub(crate) fn services(state: &AppState) -> Desk {
    Desk::new(state.db.clone(), state.clock.clone(), &state.config)
}

/// Labels of an enum's values, for menus: (value, label).
pub(crate) fn options<E: Copy>(
    t: T,
    all: &[E],
    code: fn(E) -> &'static str,
    prefix: &str,
) -> Vec<(&'static str, String)> {
    all.iter()
        .map(|e| (code(*e), t.t(&format!("{prefix}-{}", code(*e)))))
        .collect()
}

pub(crate) fn category_options(t: T) -> Vec<(&'static str, String)> {
    options(t, Category::ALL, Category::as_str, "desk-category")
}

pub(crate) fn status_options(t: T) -> Vec<(&'static str, String)> {
    options(t, Status::ALL, Status::as_str, "desk-status")
}

pub(crate) fn priority_options(t: T) -> Vec<(&'static str, String)> {
    options(t, Priority::ALL, Priority::as_str, "desk-priority")
}

pub(crate) fn urgency_options(t: T) -> Vec<(&'static str, String)> {
    options(t, Urgency::ALL, Urgency::as_str, "desk-urgency")
}

/// "in 3 h 20 min" / "late by 2 d" for an SLA's minutes left.
pub(crate) fn time_left(t: T, minutes: Option<i64>) -> String {
    let Some(m) = minutes else {
        return String::new();
    };
    let abs = m.abs();
    let text = if abs >= 1440 {
        t.ta("desk-duration-days", &[("n", (abs / 1440).to_string())])
    } else if abs >= 60 {
        t.ta(
            "desk-duration-hours",
            &[("h", (abs / 60).to_string()), ("m", (abs % 60).to_string())],
        )
    } else {
        t.ta("desk-duration-minutes", &[("n", abs.to_string())])
    };
    if m < 0 {
        t.ta("desk-late-by", &[("d", text)])
    } else {
        t.ta("desk-left", &[("d", text)])
    }
}

/// Local date and time of an RFC 3339 instant.
pub(crate) fn local(rfc: &str, tz: &str) -> String {
    rfc.parse::<jiff::Timestamp>()
        .map(|t| relais_core::Timestamp::from_jiff(t).local(tz))
        .unwrap_or_default()
}
