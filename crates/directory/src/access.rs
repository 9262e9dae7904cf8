//! Who may see what in the directory, decided here and carried as
//! capability values that only these functions can build. A service that
//! takes a `DirectoryView` cannot be called by someone not allowed to browse.

use relais_core::{DelegationId, Error, Principal, Result, Role, Scope, UnitId};
use relais_db::SqlBuf;

/// The roles that may browse the directory, each within its scope.
pub const BROWSING_ROLES: [Role; 6] = [
    Role::Manager,
    Role::TrainingOfficer,
    Role::ItStaff,
    Role::ItCorrespondent,
    Role::CrisisCell,
    Role::Admin,
];

/// Permission to browse people and units within some scopes.
#[derive(Debug, Clone)]
pub struct DirectoryView {
    scopes: Vec<Scope>,
}

impl DirectoryView {
    /// Forbidden for those who hold no browsing role.
    pub fn for_principal(p: &Principal) -> Result<Self> {
        let scopes = p.scopes_for(&BROWSING_ROLES);
        if scopes.is_empty() {
            return Err(Error::Forbidden);
        }
        Ok(DirectoryView { scopes })
    }

    pub fn can_browse(p: &Principal) -> bool {
        !p.scopes_for(&BROWSING_ROLES).is_empty()
    }

    pub fn everywhere(&self) -> bool {
        self.scopes.contains(&Scope::Institute)
    }

    pub fn delegations(&self) -> Vec<i64> {
        Scope::delegation_ids(&self.scopes)
    }

    pub fn units(&self) -> Vec<i64> {
        self.scopes
            .iter()
            .filter_map(|s| match s {
                Scope::Unit(u) => Some(u.0),
                _ => None,
            })
            .collect()
    }

    /// Appends ` AND …` keeping rows whose unit (aliased `u`) is within these scopes.
    pub fn restrict(&self, sql: &mut SqlBuf) {
        if !self.everywhere() {
            sql.push(" AND (u.delegation_id IN ")
                .bind_list(self.delegations())
                .push(" OR u.id IN ")
                .bind_list(self.units())
                .push(")");
        }
    }

    pub fn covers(&self, unit: UnitId, delegation: DelegationId) -> bool {
        self.scopes.iter().any(|s| s.covers_unit(unit, delegation))
    }
}

/// Permission to administer the directory (imports, accounts, roles, the outbox).
#[derive(Debug, Clone, Copy)]
pub struct DirectoryAdmin(());

impl DirectoryAdmin {
    pub fn for_principal(p: &Principal) -> Result<Self> {
        if p.is_admin() {
            Ok(DirectoryAdmin(()))
        } else {
            Err(Error::Forbidden)
        }
    }

    /// For the command line, run by the operator of the machine.
    pub fn operator() -> Self {
        DirectoryAdmin(())
    }
}
