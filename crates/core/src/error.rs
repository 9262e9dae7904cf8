//! The one domain error shared by services. Each variant is in the users'
//! words; the web layer turns it into a page or a problem+json answer, and
//! messages are Fluent keys so that they reach people in their language.

use std::fmt;

/// A message to show to a person: a Fluent key and its arguments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Msg {
    pub key: &'static str,
    pub args: Vec<(&'static str, String)>,
}

impl Msg {
    pub fn new(key: &'static str) -> Self {
        Msg {
            key,
            args: Vec::new(),
        }
    }

    pub fn arg(mut self, name: &'static str, value: impl ToString) -> Self {
        self.args.push((name, value.to_string()));
        self
    }
}

impl fmt::Display for Msg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key)?;
        for (k, v) in &self.args {
            write!(f, " {k}={v}")?;
        }
        Ok(())
    }
}

#[derive(Debug, Clone, thiserror::Error)]
pub enum Error {
    #[error("not found")]
    NotFound,
    #[error("not signed in")]
    Unauthenticated,
    #[error("forbidden")]
    Forbidden,
    /// A value clashes with an existing one (a unique email, say).
    #[error("conflict on {field}: {msg}")]
    Conflict { field: &'static str, msg: Msg },
    /// A value a person typed or sent is not acceptable.
    #[error("invalid {field}: {msg}")]
    Invalid { field: &'static str, msg: Msg },
    /// Too many attempts; try again later.
    #[error("too many attempts")]
    TooManyAttempts { retry_after_secs: u64 },
    /// Something that is not the person's fault; logged, never shown in detail.
    #[error("internal error: {0}")]
    Internal(String),
}

impl Error {
    pub fn invalid(field: &'static str, key: &'static str) -> Self {
        Error::Invalid {
            field,
            msg: Msg::new(key),
        }
    }

    pub fn internal(e: impl fmt::Display) -> Self {
        Error::Internal(e.to_string())
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
