//! The directory's pages and API, plugged into the web shell as a `Feature`.

mod admin;
mod api;
mod auth;
mod pages;

use axum::Router;
use relais_web::{AppState, Feature, NavItem};
use utoipa::OpenApi;

use crate::access::DirectoryView;

pub fn feature() -> Feature {
    Feature {
        router: Router::<AppState>::new()
            .merge(auth::router())
            .merge(pages::router())
            .merge(admin::router())
            .merge(api::router()),
        nav: vec![
            NavItem::new("/people", "nav-people", DirectoryView::can_browse),
            NavItem::new("/units", "nav-units", DirectoryView::can_browse),
            NavItem::new("/me", "nav-me", |_| true),
            NavItem::new("/admin", "nav-admin", |p| p.is_admin()),
        ],
        openapi: api::DirectoryApi::openapi(),
    }
}
