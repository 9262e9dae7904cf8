//! Turning database errors into domain errors: a unique violation becomes a
//! field conflict the person can fix; anything else is internal and logged.

use relais_core::{Error, Msg};

pub fn is_unique_violation(e: &sqlx::Error) -> bool {
    e.as_database_error()
        .is_some_and(|d| d.is_unique_violation())
}

pub trait DbResultExt<T> {
    /// Any database error is an internal error.
    fn db(self) -> Result<T, Error>;
    /// A unique violation is a conflict on `field`; anything else is internal.
    fn on_unique(self, field: &'static str, key: &'static str) -> Result<T, Error>;
}

impl<T> DbResultExt<T> for Result<T, sqlx::Error> {
    fn db(self) -> Result<T, Error> {
        self.map_err(|e| {
            tracing::error!(error = %e, "database error");
            Error::Internal(e.to_string())
        })
    }

    fn on_unique(self, field: &'static str, key: &'static str) -> Result<T, Error> {
        match self {
            Err(e) if is_unique_violation(&e) => Err(Error::Conflict {
                field,
                msg: Msg::new(key),
            }),
            other => other.db(),
        }
    }
}
