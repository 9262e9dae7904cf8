//! `relais-directory` owns the institute's directory: delegations, units
//! (joint units and their partner institutions), teams, sites, people, and
//! the accounts, roles, API tokens and sign-in that let people act. It
//! imports units and people from CSV, builds the demo institute, and serves
//! the directory's pages and `/api/v1` endpoints.
//!
//! Other features reach people only through the public service functions
//! here (and the `Principal` the web layer hands them).

pub mod access;
pub mod accounts;
pub mod demo;
pub mod demo_data;
pub mod identity;
pub mod import;
pub mod org;
pub mod people;
pub mod tokens;
mod web;

pub use identity::DirectoryIdentity;
pub use web::feature;
