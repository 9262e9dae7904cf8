//! `relais-training` owns the training office's offer and its registrations:
//! courses (including e-learning modules and external MOOCs), their
//! sessions, registrations with waitlists, timed offers and manager
//! approval, the notices that carry calendar invitations, and each person's
//! private calendar feed. It reaches people only through `relais-directory`'s
//! public functions and the `Principal` the web layer hands it.

pub mod access;
pub mod calendar;
pub mod courses;
pub mod demo;
pub mod demo_crisis;
pub mod demo_data;
pub mod disruption;
pub mod model;
pub mod notices;
pub mod plans;
pub mod providers;
pub mod registrar;
pub mod registrations;
pub mod replan;
pub mod sessions;
pub mod surveys;
mod web;

pub use web::feature;

pub use model::*;
