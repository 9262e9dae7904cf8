//! Typed ids. Every id is a positive 64-bit integer behind its own type, so a
//! person's id can never be passed where a unit's is expected.

/// Declares an id newtype over `i64`.
#[macro_export]
macro_rules! id_type {
    ($(#[$m:meta])* $name:ident) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl $name {
            pub fn get(self) -> i64 {
                self.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }

        impl std::str::FromStr for $name {
            type Err = std::num::ParseIntError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                s.parse().map($name)
            }
        }
    };
}

id_type!(
    /// A person of the directory.
    PersonId
);
id_type!(
    /// A regional delegation.
    DelegationId
);
id_type!(
    /// A research or service unit.
    UnitId
);
id_type!(
    /// A team inside a unit.
    TeamId
);
id_type!(
    /// A site of a delegation.
    SiteId
);
id_type!(
    /// A building on a site.
    BuildingId
);
id_type!(
    /// An API token.
    TokenId
);
id_type!(
    /// A background job.
    JobId
);
