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
    let banners = relais_web::banners::BannerSources(Arc::new(vec![Arc::new(
        relais_desk::KnownIssueBanners,
    )]));
    relais_web::app(
        db,
        clock,
        web,
        identity,
        vec![
            relais_directory::feature(),
            relais_training::feature(),
            relais_desk::feature(),
        ],
    )
    .layer(axum::Extension(banners))
}

/// Every kind of job the worker runs.
pub fn job_handlers(
    db: Db,
    clock: Arc<dyn Clock>,
    web: &WebConfig,
    mailer: Arc<Mailer>,
) -> Vec<Arc<dyn JobHandler>> {
    let training = relais_training::registrations::Training::new(db.clone(), clock.clone(), web);
    let desk = relais_desk::Desk::new(db, clock, web);
    vec![
        Arc::new(SendMailJob(mailer)),
        Arc::new(relais_training::registrations::OfferExpiryJob(
            training.clone(),
        )),
        Arc::new(relais_training::disruption::NotifyJob(training)),
        Arc::new(relais_desk::autoclose::AutoCloseJob(desk)),
    ]
}

/// `relais mailgate`: reads one message on standard input and hands it to
/// the desk. Prints what happened, or why it was refused; returns the exit
/// code an MTA pipe expects (0, 65 refused, 75 try again later).
pub async fn mailgate(cfg: &config::Config) -> i32 {
    use std::io::Read;
    let limit = relais_desk::mailgate::MAX_MESSAGE as u64 + 1;
    let mut raw = Vec::new();
    // Reads at most one byte past the limit: enough to refuse, never the whole flood.
    if let Err(e) = std::io::stdin().lock().take(limit).read_to_end(&mut raw) {
        eprintln!("relais mailgate: cannot read the message: {e}");
        return 75;
    }
    // No migrations here: one process per message must start fast.
    let db = match Db::connect(&cfg.database_url).await {
        Ok(db) => db,
        Err(e) => {
            eprintln!("relais mailgate: {e}");
            return 75;
        }
    };
    let desk = relais_desk::Desk::new(db.clone(), Arc::new(relais_core::SystemClock), &cfg.web());
    let code = match relais_desk::mailgate::deliver(&desk, &raw).await {
        Ok(outcome) => {
            println!("relais mailgate: {outcome}");
            0
        }
        Err(refusal) => {
            eprintln!("relais mailgate: refused: {refusal}");
            refusal.exit_code()
        }
    };
    db.close().await;
    code
}
