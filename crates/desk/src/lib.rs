//! `relais-desk` owns the regional IT service's desk: tickets opened on the
//! web, through the API, by mail (`relais mailgate`) or by a hotline agent
//! during a call; their thread, attachments, queues and SLA targets; external
//! requesters who follow their ticket through an expiring link; the hotline's
//! call log and callbacks; the knowledge base and its French search; known
//! issues that resolve many tickets at once; remote sessions and on-site
//! visits; the dashboard. It reaches people only through `relais-directory`'s
//! public functions and the `Principal` the web layer hands it.

pub mod access;
pub mod attachments;
pub mod autoclose;
pub mod dashboard;
pub mod demo;
pub mod demo_data;
pub mod hotline;
pub mod interventions;
pub mod kb;
pub mod known_issues;
pub mod mailgate;
pub mod model;
pub mod notices;
pub mod public;
pub mod search;
pub mod settings;
pub mod thread;
pub mod tickets;
mod web;

use std::sync::Arc;

use relais_core::{Clock, Error, Result};

pub use model::*;
pub use web::feature;

/// What the desk's services need: the database, the clock, and where mail
/// links point.
#[derive(Clone)]
pub struct Desk {
    pub db: relais_db::Db,
    pub clock: Arc<dyn Clock>,
    pub public_url: String,
    pub mail_domain: String,
    pub time_zone: String,
}

impl Desk {
    pub fn new(db: relais_db::Db, clock: Arc<dyn Clock>, web: &relais_web::WebConfig) -> Desk {
        Desk {
            db,
            clock,
            public_url: web.public_url.clone(),
            mail_domain: web.mail_domain.clone(),
            time_zone: web.time_zone.clone(),
        }
    }
}

/// Trims `s` and refuses it when longer than `max` characters or holding
/// control characters other than line breaks and tabs.
pub(crate) fn clean(s: &str, field: &'static str, max: usize) -> Result<String> {
    let s = s.trim();
    if s.chars().count() > max {
        return Err(Error::invalid(field, "desk-error-too-long"));
    }
    if s.chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    {
        return Err(Error::invalid(field, "desk-error-control-characters"));
    }
    Ok(s.replace("\r\n", "\n"))
}

pub(crate) fn required(s: &str, field: &'static str, max: usize) -> Result<String> {
    let s = clean(s, field, max)?;
    if s.is_empty() {
        return Err(Error::invalid(field, "error-required"));
    }
    Ok(s)
}

/// The known issues in progress, as banners for the home page.
pub struct KnownIssueBanners;

#[async_trait::async_trait]
impl relais_web::banners::BannerSource for KnownIssueBanners {
    async fn banners(
        &self,
        db: &relais_db::Db,
        _lang: relais_core::Lang,
    ) -> Vec<relais_web::banners::Banner> {
        match known_issues::active(db).await {
            Ok(list) => list
                .into_iter()
                .map(|k| relais_web::banners::Banner {
                    title: k.title,
                    text: k.body,
                    href: "/desk".into(),
                })
                .collect(),
            Err(e) => {
                tracing::error!(error = %e, "known issues for the home page");
                Vec::new()
            }
        }
    }
}
