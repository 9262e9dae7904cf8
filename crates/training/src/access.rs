//! Who may build the offer and run sessions: training officers within their
//! scope (the national office holds the institute scope), and administrators.

use relais_core::{DelegationId, Error, Principal, Result, Role, Scope};

#[derive(Debug, Clone)]
pub struct TrainingOffice {
    scopes: Vec<Scope>,
}

impl TrainingOffice {
    pub fn for_principal(p: &Principal) -> Result<Self> {
        let scopes = p.scopes_for(&[Role::TrainingOfficer, Role::Admin]);
        if scopes.is_empty() {
            return Err(Error::Forbidden);
        }
        Ok(TrainingOffice { scopes })
    }

    pub fn is_officer(p: &Principal) -> bool {
        !p.scopes_for(&[Role::TrainingOfficer, Role::Admin])
            .is_empty()
    }

    pub fn national(&self) -> bool {
        self.scopes.contains(&Scope::Institute)
    }

    /// The delegations a regional office covers (empty for the national office).
    pub fn delegations(&self) -> Vec<i64> {
        Scope::delegation_ids(&self.scopes)
    }

    /// May this office run things owned by `delegation` (None: the national office's)?
    pub fn covers(&self, delegation: Option<DelegationId>) -> bool {
        self.national() || delegation.is_some_and(|d| self.scopes.contains(&Scope::Delegation(d)))
    }

    pub fn check(&self, delegation: Option<DelegationId>) -> Result<()> {
        if self.covers(delegation) {
            Ok(())
        } else {
            Err(Error::Forbidden)
        }
    }
}
