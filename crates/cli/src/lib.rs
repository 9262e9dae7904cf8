//! The `relais` binary's library half: configuration, and the assembly of
//! the application from the platform and the feature crates, shared by the
//! binary and the end-to-end tests.

pub mod config;
pub mod ops;

use std::sync::Arc;

use axum::Router;
use relais_core::Clock;
use relais_db::Db;
use relais_jobs::JobHandler;
use relais_mail::{Mailer, SendMailJob};
use relais_web::WebConfig;

/// The whole application: platform plus every feature.
pub fn app(db: Db, clock: Arc<dyn Clock>, web: WebConfig) -> Router {
    let identity = Arc::new(relais_directory::DirectoryIdentity::new(
        db.clone(),
        clock.clone(),
    ));
    relais_web::app(
        db,
        clock,
        web,
        identity,
        vec![relais_directory::feature(), relais_training::feature()],
    )
}

/// Every kind of job the worker runs.
pub fn job_handlers(
    db: Db,
    clock: Arc<dyn Clock>,
    web: &WebConfig,
    mailer: Arc<Mailer>,
) -> Vec<Arc<dyn JobHandler>> {
    let training = relais_training::registrations::Training::new(db, clock, web);
    vec![
        Arc::new(SendMailJob(mailer)),
        Arc::new(relais_training::registrations::OfferExpiryJob(training)),
    ]
}
