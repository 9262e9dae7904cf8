//! The training office's pages and API, plugged into the web shell.

mod api;
mod crisis_api;
mod crisis_pages;
mod pages;
mod plan_pages;

use std::sync::{Arc, OnceLock};

use axum::{Extension, Router};
use relais_web::{AppState, Feature, NavItem};
use utoipa::OpenApi;

use crate::access::TrainingOffice;
use crate::registrar::Registrar;
use crate::registrations::Training;

/// The app's one registrar, started with the first registration.
#[derive(Clone, Default)]
pub(crate) struct Registrars(Arc<OnceLock<Registrar>>);

pub fn feature() -> Feature {
    Feature {
        router: Router::<AppState>::new()
            .merge(api::router())
            .merge(crisis_api::router())
            .merge(crisis_pages::router())
            .merge(plan_pages::router())
            .merge(pages::router())
            .layer(Extension(Registrars::default()))
            .layer(Extension(pages::Catalogues::default()))
            .layer(Extension(pages::CoursePages::default())),
        nav: vec![
            NavItem::new("/training", "nav-training", |_| true),
            NavItem::new("/training/my", "nav-my-trainings", |_| true),
            NavItem::new(
                "/training/office",
                "nav-training-office",
                TrainingOffice::is_officer,
            ),
        ],
        openapi: {
            let mut doc = api::TrainingApi::openapi();
            doc.merge(crisis_api::CrisisApi::openapi());
            doc
        },
    }
}

/// A `datetime-local` field's value (`2020-04-20T09:00`) as an instant in `tz`.
pub(crate) fn parse_local_input(v: &str, tz: &str) -> Option<relais_core::Timestamp> {
    let dt: jiff::civil::DateTime = v.trim().parse().ok()?;
    Some(relais_core::Timestamp::from_jiff(
        dt.in_tz(tz).ok()?.timestamp(),
    ))
}

/// An instant as a `datetime-local` field's value in `tz`.
pub(crate) fn local_input(t: relais_core::Timestamp, tz: &str) -> String {
    t.to_jiff()
        .in_tz(tz)
        .map(|z| z.datetime().strftime("%Y-%m-%dT%H:%M").to_string())
        .unwrap_or_default()
}

/// The caller as a training office, and as the actor of what they change.
pub(crate) fn officer(
    ctx: &relais_web::Ctx,
) -> relais_core::Result<(TrainingOffice, relais_db::audit::Actor)> {
    let p = ctx.require()?;
    Ok((
        TrainingOffice::for_principal(p)?,
        relais_db::audit::Actor::of(p),
    ))
}

pub(crate) fn services(state: &AppState) -> Training {
    Training::new(state.db.clone(), state.clock.clone(), &state.config)
}

/// The services, with the registrar that groups registrations under load.
pub(crate) fn registering(state: &AppState, r: &Registrars) -> Training {
    let mut t = services(state);
    t.registrar = Some(
        r.0.get_or_init(|| Registrar::start(services(state)))
            .clone(),
    );
    t
}
