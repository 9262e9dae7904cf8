//! The desk's vocabulary: categories, urgency and priority, statuses, kinds
//! of message, article audiences. Each is stored as its snake_case text.

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
                match s.trim() { $($text => Some($name::$variant),)+ _ => None }
            }
        }
    };
}

text_enum!(
    /// What a request is about: the teleworkers' usual troubles first.
    Category {
        HomeBox => "home_box",
        HomeConnection => "home_connection",
        Videoconf => "videoconf",
        Vpn => "vpn",
        Hardware => "hardware",
        Account => "account",
        NationalApp => "national_app",
        Other => "other",
    }
);

text_enum!(
    /// How urgent the requester says it is.
    Urgency { Low => "low", Normal => "normal", High => "high" }
);

text_enum!(
    /// The priority IT staff work to; it sets the SLA targets.
    Priority { Low => "low", Normal => "normal", High => "high", Critical => "critical" }
);

impl Urgency {
    pub fn priority(self) -> Priority {
        match self {
            Urgency::Low => Priority::Low,
            Urgency::Normal => Priority::Normal,
            Urgency::High => Priority::High,
        }
    }
}

text_enum!(
    /// Where a ticket stands.
    Status {
        New => "new",
        InProgress => "in_progress",
        Waiting => "waiting",
        Resolved => "resolved",
        Closed => "closed",
    }
);

impl Status {
    pub fn is_open(self) -> bool {
        !matches!(self, Status::Resolved | Status::Closed)
    }
}

text_enum!(
    /// How a ticket came in.
    Channel { Web => "web", Api => "api", Mail => "mail", Phone => "phone", Public => "public" }
);

text_enum!(
    /// A line of a ticket's thread: a public reply (mailed to the
    /// requester), an internal note (IT only), a mail that came in, or an
    /// event (status, merge).
    MessageKind { Public => "public", Internal => "internal", Inbound => "inbound", Event => "event" }
);

text_enum!(
    /// Who may read an article.
    ArticleAudience { Public => "public", Agents => "agents", ItStaff => "it_staff" }
);

text_enum!(
    ArticleStatus { Draft => "draft", Published => "published" }
);

text_enum!(
    KnownIssueStatus { Active => "active", Resolved => "resolved" }
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enums_round_trip_through_text() {
        for c in Category::ALL {
            assert_eq!(Category::parse(c.as_str()), Some(*c));
        }
        for s in Status::ALL {
            assert_eq!(Status::parse(s.as_str()), Some(*s));
        }
        assert_eq!(Category::parse("printer"), None);
        assert!(Status::Waiting.is_open());
        assert!(!Status::Resolved.is_open());
        assert_eq!(Urgency::High.priority(), Priority::High);
    }
}
