//! Roles, scopes and the signed-in principal. Services decide access from a
//! `Principal` and hand back capability values that only they can build.

use serde::{Deserialize, Serialize};

use crate::ids::{DelegationId, PersonId, TokenId, UnitId};
use crate::lang::Lang;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Agent,
    Manager,
    TrainingOfficer,
    ItStaff,
    ItCorrespondent,
    CrisisCell,
    Admin,
}

impl Role {
    pub const ALL: [Role; 7] = [
        Role::Agent,
        Role::Manager,
        Role::TrainingOfficer,
        Role::ItStaff,
        Role::ItCorrespondent,
        Role::CrisisCell,
        Role::Admin,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Agent => "agent",
            Role::Manager => "manager",
            Role::TrainingOfficer => "training_officer",
            Role::ItStaff => "it_staff",
            Role::ItCorrespondent => "it_correspondent",
            Role::CrisisCell => "crisis_cell",
            Role::Admin => "admin",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s.trim())
    }
}

/// Where a role applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
pub enum Scope {
    Institute,
    Delegation(DelegationId),
    Unit(UnitId),
}

impl Scope {
    /// Does this scope include a unit that belongs to `delegation`?
    pub fn covers_unit(self, unit: UnitId, delegation: DelegationId) -> bool {
        match self {
            Scope::Institute => true,
            Scope::Delegation(d) => d == delegation,
            Scope::Unit(u) => u == unit,
        }
    }

    pub fn kind(self) -> &'static str {
        match self {
            Scope::Institute => "institute",
            Scope::Delegation(_) => "delegation",
            Scope::Unit(_) => "unit",
        }
    }

    pub fn id(self) -> Option<i64> {
        match self {
            Scope::Institute => None,
            Scope::Delegation(d) => Some(d.0),
            Scope::Unit(u) => Some(u.0),
        }
    }

    /// The delegations among `scopes` (not the institute, not units).
    pub fn delegation_ids(scopes: &[Scope]) -> Vec<i64> {
        scopes
            .iter()
            .filter_map(|s| match s {
                Scope::Delegation(d) => Some(d.0),
                _ => None,
            })
            .collect()
    }

    pub fn from_parts(kind: &str, id: Option<i64>) -> Option<Scope> {
        match (kind, id) {
            ("institute", _) => Some(Scope::Institute),
            ("delegation", Some(id)) => Some(Scope::Delegation(DelegationId(id))),
            ("unit", Some(id)) => Some(Scope::Unit(UnitId(id))),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Grant {
    pub role: Role,
    pub scope: Scope,
}

/// Who is acting: a signed-in person, or a script with one of their tokens.
#[derive(Debug, Clone, Serialize)]
pub struct Principal {
    pub person_id: PersonId,
    pub display_name: String,
    pub email: String,
    /// The language the person chose, if any.
    pub lang: Option<Lang>,
    pub unit: Option<UnitId>,
    pub delegation: Option<DelegationId>,
    pub grants: Vec<Grant>,
    /// Set when the request came with an API token rather than a session.
    pub token: Option<TokenId>,
}

impl Principal {
    pub fn has_role(&self, role: Role) -> bool {
        role == Role::Agent || self.grants.iter().any(|g| g.role == role)
    }

    pub fn is_admin(&self) -> bool {
        self.grants
            .iter()
            .any(|g| g.role == Role::Admin && g.scope == Scope::Institute)
    }

    /// The scopes in which this person holds one of `roles` (admins hold every role institute-wide).
    pub fn scopes_for(&self, roles: &[Role]) -> Vec<Scope> {
        if self.is_admin() {
            return vec![Scope::Institute];
        }
        let mut out: Vec<Scope> = self
            .grants
            .iter()
            .filter(|g| roles.contains(&g.role))
            .map(|g| g.scope)
            .collect();
        out.sort_by_key(|s| (s.kind(), s.id()));
        out.dedup();
        out
    }

    /// The roles held, for navigation; always includes `Agent`.
    pub fn roles(&self) -> Vec<Role> {
        let mut r: Vec<Role> = self.grants.iter().map(|g| g.role).collect();
        r.push(Role::Agent);
        r.sort();
        r.dedup();
        r
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn principal(grants: Vec<Grant>) -> Principal {
        Principal {
            person_id: PersonId(1),
            display_name: "A".into(),
            email: "a@x.fr".into(),
            lang: None,
            unit: None,
            delegation: None,
            grants,
            token: None,
        }
    }

    #[test]
    fn scopes_cover_units() {
        let d = DelegationId(3);
        assert!(Scope::Institute.covers_unit(UnitId(9), d));
        assert!(Scope::Delegation(d).covers_unit(UnitId(9), d));
        assert!(!Scope::Delegation(DelegationId(4)).covers_unit(UnitId(9), d));
        assert!(Scope::Unit(UnitId(9)).covers_unit(UnitId(9), d));
        assert!(!Scope::Unit(UnitId(8)).covers_unit(UnitId(9), d));
    }

    #[test]
    fn admin_holds_every_scope() {
        let p = principal(vec![Grant {
            role: Role::Admin,
            scope: Scope::Institute,
        }]);
        assert_eq!(p.scopes_for(&[Role::ItStaff]), vec![Scope::Institute]);
        let p = principal(vec![Grant {
            role: Role::ItStaff,
            scope: Scope::Delegation(DelegationId(2)),
        }]);
        assert_eq!(
            p.scopes_for(&[Role::ItStaff]),
            vec![Scope::Delegation(DelegationId(2))]
        );
        assert!(p.scopes_for(&[Role::CrisisCell]).is_empty());
        assert!(p.has_role(Role::Agent));
    }

    #[test]
    fn roles_round_trip() {
        for r in Role::ALL {
            assert_eq!(Role::parse(r.as_str()), Some(r));
        }
        assert_eq!(Role::parse("boss"), None);
    }
}
