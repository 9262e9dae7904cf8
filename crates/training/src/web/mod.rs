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
            .layer(Extension(Registrars::default())),
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
