//! Who may see and do what at the desk, decided here and carried as values
//! only these functions build. IT staff work the queues of their scope (a
//! delegation, or the institute); tickets with no delegation (the external
//! hotline's) are in every IT staff queue. An IT correspondent sees and acts
//! on their unit's tickets; a requester sees their own, without internal notes.

use relais_core::{DelegationId, Error, PersonId, Principal, Result, Role, Scope, UnitId};
use relais_db::SqlBuf;

/// Permission to work the desk's queues within some scopes.
#[derive(Debug, Clone)]
pub struct DeskStaff {
    scopes: Vec<Scope>,
    pub person: PersonId,
}

impl DeskStaff {
    pub fn for_principal(p: &Principal) -> Result<Self> {
        let scopes = p.scopes_for(&[Role::ItStaff, Role::Admin]);
        if scopes.is_empty() {
            return Err(Error::Forbidden);
        }
        Ok(DeskStaff {
            scopes,
            person: p.person_id,
        })
    }

    pub fn is_staff(p: &Principal) -> bool {
        !p.scopes_for(&[Role::ItStaff, Role::Admin]).is_empty()
    }

    /// Does this staff member's scope include a ticket of `delegation`?
    pub fn covers(&self, delegation: Option<DelegationId>) -> bool {
        match delegation {
            None => true,
            Some(d) => self
                .scopes
                .iter()
                .any(|s| matches!(s, Scope::Institute) || *s == Scope::Delegation(d)),
        }
    }

    pub fn everywhere(&self) -> bool {
        self.scopes.contains(&Scope::Institute)
    }

    pub fn delegations(&self) -> Vec<i64> {
        Scope::delegation_ids(&self.scopes)
    }

    /// Restricts a query on `desk_tickets t` to this scope.
    pub fn filter(&self, sql: &mut SqlBuf) {
        if self.everywhere() {
            return;
        }
        sql.push(" AND (t.delegation_id IS NULL OR t.delegation_id IN ")
            .bind_list(self.delegations())
            .push(")");
    }
}

/// Who the person is to one ticket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TicketRole {
    Requester,
    Correspondent,
    Staff,
}

/// What the access check needs to know of a ticket.
#[derive(Debug, Clone, Copy)]
pub struct TicketFacts {
    pub requester: Option<PersonId>,
    pub opened_by: Option<PersonId>,
    pub unit: Option<UnitId>,
    pub delegation: Option<DelegationId>,
}

/// Proof that a person may read one ticket, and in which role.
#[derive(Debug, Clone, Copy)]
pub struct TicketAccess {
    pub role: TicketRole,
    pub person: PersonId,
    pub ticket: i64,
}

impl TicketAccess {
    /// Decides; `NotFound` (not `Forbidden`) when the person may not see it,
    /// so that guessing ids tells nothing.
    pub fn check(p: &Principal, ticket: i64, f: &TicketFacts) -> Result<TicketAccess> {
        let role = if DeskStaff::for_principal(p).is_ok_and(|s| s.covers(f.delegation)) {
            TicketRole::Staff
        } else if correspondent_covers(p, f.unit, f.delegation) {
            TicketRole::Correspondent
        } else if f.requester == Some(p.person_id) || f.opened_by == Some(p.person_id) {
            TicketRole::Requester
        } else {
            return Err(Error::NotFound);
        };
        Ok(TicketAccess {
            role,
            person: p.person_id,
            ticket,
        })
    }

    /// An external requester holding a follow link to this ticket.
    pub(crate) fn external(ticket: i64) -> TicketAccess {
        TicketAccess {
            role: TicketRole::Requester,
            person: PersonId(0),
            ticket,
        }
    }

    pub fn sees_internal(&self) -> bool {
        self.role != TicketRole::Requester
    }

    pub fn is_staff(&self) -> bool {
        self.role == TicketRole::Staff
    }

    /// Staff and correspondents answer, note, and change a ticket's status.
    pub fn acts_for_it(&self) -> bool {
        self.role != TicketRole::Requester
    }

    pub fn require_staff(&self) -> Result<()> {
        if self.is_staff() {
            Ok(())
        } else {
            Err(Error::Forbidden)
        }
    }
}

fn correspondent_covers(
    p: &Principal,
    unit: Option<UnitId>,
    delegation: Option<DelegationId>,
) -> bool {
    let Some(unit) = unit else { return false };
    p.scopes_for(&[Role::ItCorrespondent])
        .iter()
        .any(|s| match (s, delegation) {
            (Scope::Institute, _) => true,
            (Scope::Unit(u), _) => *u == unit,
            (Scope::Delegation(d), Some(td)) => *d == td,
            _ => false,
        })
}

/// May `p` open a ticket on behalf of someone in `unit` of `delegation`?
/// May `p` open requests for anyone besides themselves (some of whom
/// [`may_open_for`] then accepts)?
pub fn opens_for_others(p: &Principal) -> bool {
    !p.scopes_for(&[Role::ItCorrespondent, Role::ItStaff, Role::Admin])
        .is_empty()
}

pub fn may_open_for(p: &Principal, unit: Option<UnitId>, delegation: Option<DelegationId>) -> bool {
    DeskStaff::for_principal(p).is_ok_and(|s| delegation.is_none() || s.covers(delegation))
        || correspondent_covers(p, unit, delegation)
}

/// Restricts a query on `desk_tickets t` to what `p` may see.
pub fn visible_filter(p: &Principal, sql: &mut SqlBuf) {
    let staff = DeskStaff::for_principal(p).ok();
    if staff.as_ref().is_some_and(DeskStaff::everywhere) {
        return;
    }
    sql.push(" AND (t.requester_person_id = ")
        .bind(p.person_id.0)
        .push(" OR t.opened_by = ")
        .bind(p.person_id.0);
    if let Some(s) = &staff {
        sql.push(" OR t.delegation_id IS NULL OR t.delegation_id IN ")
            .bind_list(s.delegations());
    }
    let corr = p.scopes_for(&[Role::ItCorrespondent]);
    if corr.contains(&Scope::Institute) {
        sql.push(" OR t.unit_id IS NOT NULL");
    } else {
        let units: Vec<i64> = corr
            .iter()
            .filter_map(|s| match s {
                Scope::Unit(u) => Some(u.0),
                _ => None,
            })
            .collect();
        let dels: Vec<i64> = corr
            .iter()
            .filter_map(|s| match s {
                Scope::Delegation(d) => Some(d.0),
                _ => None,
            })
            .collect();
        if !units.is_empty() {
            sql.push(" OR t.unit_id IN ").bind_list(units);
        }
        if !dels.is_empty() {
            sql.push(" OR (t.unit_id IS NOT NULL AND t.delegation_id IN ")
                .bind_list(dels)
                .push(")");
        }
    }
    sql.push(")");
}

#[cfg(test)]
mod tests {
    use super::*;
    use relais_core::Grant;

    fn p(id: i64, grants: Vec<Grant>) -> Principal {
        Principal {
            person_id: PersonId(id),
            display_name: String::new(),
            email: String::new(),
            lang: None,
            unit: None,
            delegation: None,
            grants,
            token: None,
        }
    }

    #[test]
    fn each_sees_what_is_theirs() {
        let facts = TicketFacts {
            requester: Some(PersonId(1)),
            opened_by: None,
            unit: Some(UnitId(10)),
            delegation: Some(DelegationId(2)),
        };
        let req = TicketAccess::check(&p(1, vec![]), 5, &facts).unwrap();
        assert_eq!(req.role, TicketRole::Requester);
        assert!(!req.sees_internal());
        assert!(matches!(
            TicketAccess::check(&p(9, vec![]), 5, &facts),
            Err(Error::NotFound)
        ));
        let corr = p(
            3,
            vec![Grant {
                role: Role::ItCorrespondent,
                scope: Scope::Unit(UnitId(10)),
            }],
        );
        assert_eq!(
            TicketAccess::check(&corr, 5, &facts).unwrap().role,
            TicketRole::Correspondent
        );
        let other_corr = p(
            3,
            vec![Grant {
                role: Role::ItCorrespondent,
                scope: Scope::Unit(UnitId(11)),
            }],
        );
        assert!(TicketAccess::check(&other_corr, 5, &facts).is_err());
        let staff = p(
            4,
            vec![Grant {
                role: Role::ItStaff,
                scope: Scope::Delegation(DelegationId(2)),
            }],
        );
        assert_eq!(
            TicketAccess::check(&staff, 5, &facts).unwrap().role,
            TicketRole::Staff
        );
        let far = p(
            4,
            vec![Grant {
                role: Role::ItStaff,
                scope: Scope::Delegation(DelegationId(3)),
            }],
        );
        assert!(TicketAccess::check(&far, 5, &facts).is_err());
    }
}
