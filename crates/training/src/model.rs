//! The training office's vocabulary.

use relais_core::{Error, Msg, Result};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

macro_rules! text_enum {
    ($(#[$m:meta])* $name:ident { $($variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            pub fn parse(s: &str) -> Option<$name> {
                match s { $($text => Some($name::$variant),)+ _ => None }
            }
        }
    };
}

text_enum!(
    /// How a course is given.
    Format { InPerson => "in_person", Webinar => "webinar", Workshop => "workshop", Elearning => "elearning", Mooc => "mooc" }
);

impl Format {
    /// E-learning modules and MOOCs are catalogue entries with a link, not sessions.
    pub fn has_sessions(self) -> bool {
        !matches!(self, Format::Elearning | Format::Mooc)
    }
}

text_enum!(
    /// What happens when a confirmed seat frees up.
    WaitlistMode { TimedOffer => "timed_offer", Automatic => "automatic" }
);

text_enum!(
    /// Where a registration stands.
    RegistrationStatus {
        Confirmed => "confirmed",
        Pending => "pending",
        Waitlisted => "waitlisted",
        Offered => "offered",
        Cancelled => "cancelled",
        Refused => "refused",
    }
);

impl RegistrationStatus {
    /// Does it hold one of the session's seats?
    pub fn holds_seat(self) -> bool {
        matches!(
            self,
            RegistrationStatus::Confirmed | RegistrationStatus::Offered
        )
    }

    pub fn is_active(self) -> bool {
        !matches!(
            self,
            RegistrationStatus::Cancelled | RegistrationStatus::Refused
        )
    }
}

text_enum!(
    /// Where a session stands, worked out from its dates, its seats and whether it was cancelled.
    SessionStatus { Planned => "planned", Open => "open", Full => "full", Closed => "closed", Held => "held", Cancelled => "cancelled", Postponed => "postponed" }
);

/// Who may register for a session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(tag = "kind", content = "ids", rename_all = "snake_case")]
pub enum Audience {
    Everyone,
    Delegations(Vec<i64>),
    Units(Vec<i64>),
    PhdSupervisors,
    Managers,
}

impl Audience {
    pub fn kind(&self) -> &'static str {
        match self {
            Audience::Everyone => "everyone",
            Audience::Delegations(_) => "delegations",
            Audience::Units(_) => "units",
            Audience::PhdSupervisors => "phd_supervisors",
            Audience::Managers => "managers",
        }
    }

    pub fn from_parts(kind: &str, ids: Vec<i64>) -> Result<Audience> {
        Ok(match kind {
            "everyone" => Audience::Everyone,
            "delegations" => Audience::Delegations(ids),
            "units" => Audience::Units(ids),
            "phd_supervisors" => Audience::PhdSupervisors,
            "managers" => Audience::Managers,
            other => {
                return Err(Error::Invalid {
                    field: "audience",
                    msg: Msg::new("training-error-audience").arg("value", other),
                });
            }
        })
    }
}

/// Seats of a session at a glance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
pub struct Seats {
    pub capacity: i64,
    pub confirmed: i64,
    pub offered: i64,
    pub waitlisted: i64,
    pub pending: i64,
}

impl Seats {
    pub fn taken(&self) -> i64 {
        self.confirmed + self.offered
    }

    pub fn left(&self) -> i64 {
        (self.capacity - self.taken()).max(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enums_round_trip_through_text() {
        for f in Format::ALL {
            assert_eq!(Format::parse(f.as_str()), Some(*f));
        }
        for s in RegistrationStatus::ALL {
            assert_eq!(RegistrationStatus::parse(s.as_str()), Some(*s));
        }
        assert_eq!(Format::parse("zoom"), None);
        assert!(!Format::Mooc.has_sessions());
        assert!(RegistrationStatus::Offered.holds_seat());
        assert!(!RegistrationStatus::Waitlisted.holds_seat());
    }
}
