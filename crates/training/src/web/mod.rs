//! The training office's pages and API, plugged into the web shell.

mod api;
mod pages;

use axum::Router;
use relais_web::{AppState, Feature, NavItem};
use utoipa::OpenApi;

use crate::access::TrainingOffice;
use crate::registrations::Training;

pub fn feature() -> Feature {
    Feature {
        router: Router::<AppState>::new()
            .merge(api::router())
            .merge(pages::router()),
        nav: vec![
            NavItem::new("/training", "nav-training", |_| true),
            NavItem::new("/training/my", "nav-my-trainings", |_| true),
            NavItem::new(
                "/training/office",
                "nav-training-office",
                TrainingOffice::is_officer,
            ),
        ],
        openapi: api::TrainingApi::openapi(),
    }
}

pub(crate) fn services(state: &AppState) -> Training {
    Training::new(state.db.clone(), state.clock.clone(), &state.config)
}
