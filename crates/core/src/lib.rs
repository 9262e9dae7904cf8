//! `relais-core` owns the vocabulary every crate shares: typed ids, validated
//! newtypes (parse, don't validate), the clock, pagination, roles and scopes,
//! the signed-in principal and the domain error with translatable messages.
//! It knows no database, no HTTP and no feature.

pub mod access;
pub mod error;
pub mod ids;
pub mod lang;
pub mod page;
pub mod text;
pub mod time;
pub mod values;

pub use access::{Grant, Principal, Role, Scope};
pub use error::{Error, Msg, Result};
pub use ids::*;
pub use lang::Lang;
pub use page::{Page, PageRequest};
pub use time::{Clock, SystemClock, Timestamp};
