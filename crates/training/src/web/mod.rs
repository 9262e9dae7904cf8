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
    Training {
        db: state.db.clone(),
        clock: state.clock.clone(),
        public_url: state.config.public_url.clone(),
        mail_domain: state.config.mail_domain.clone(),
        time_zone: state.config.time_zone.clone(),
    }
}
