//! The demo institute, loaded through the same services as real data: the
//! generated CSV files go through the importers, accounts and roles through
//! the account service. Deterministic for a given seed.

use std::collections::HashMap;

use relais_core::{Clock, DelegationId, Error, Grant, PersonId, Result, Role, Scope, UnitId};
use relais_db::audit::Actor;
use relais_db::{Db, DbResultExt};

use crate::access::DirectoryAdmin;
use crate::accounts;
use crate::demo_data::{self, DemoDirectory};
use crate::import::{ImportOptions, Progress, import_people, import_units};

pub const SEED: u64 = 20_200_317;
pub const PEOPLE: usize = 15_000;
pub const PASSWORD: &str = "relais-demo";

/// The fixed demo accounts, in the order the demo prints them.
pub const ACCOUNTS: [(&str, &str); 7] = [
    ("admin@demo.relais.test", "admin"),
    ("formation@demo.relais.test", "training_officer"),
    ("informatique@demo.relais.test", "it_staff"),
    ("correspondant@demo.relais.test", "it_correspondent"),
    ("manager@demo.relais.test", "manager"),
    ("agent@demo.relais.test", "agent"),
    ("crise@demo.relais.test", "crisis_cell"),
];

/// Is the demo institute already there?
pub async fn is_loaded(db: &Db) -> Result<bool> {
    let row: Option<(i64,)> = sqlx::query_as("SELECT id FROM people WHERE email = $1")
        .bind(ACCOUNTS[0].0)
        .fetch_optional(db.pool())
        .await
        .db()?;
    Ok(row.is_some())
}

async fn id_of(db: &Db, sql: &'static str, key: &str) -> Result<i64> {
    let row: Option<(i64,)> = sqlx::query_as(sql)
        .bind(key)
        .fetch_optional(db.pool())
        .await
        .db()?;
    row.map(|r| r.0)
        .ok_or_else(|| Error::Internal(format!("demo data lacks {key}")))
}

/// Loads the demo institute into an empty directory.
pub async fn load(
    db: &Db,
    clock: &dyn Clock,
    seed: u64,
    people: usize,
    progress: Progress<'_>,
) -> Result<DemoDirectory> {
    let demo = demo_data::generate(seed, people);
    let now = clock.now();
    let mut tx = db.begin().await.db()?;
    sqlx::query(
        "INSERT INTO institute (id, name, time_zone) VALUES (1, $1, 'Europe/Paris') ON CONFLICT (id) DO NOTHING",
    )
    .bind("Institut national de recherche biomédicale (démo)")
    .execute(&mut *tx)
    .await
    .db()?;
    for d in &demo.delegations {
        let id = crate::org::ensure_delegation(&mut tx, &d.code, &d.name).await?;
        for (site, city) in &d.sites {
            crate::org::ensure_site(&mut tx, id, site, city).await?;
        }
    }
    tx.commit().await.db()?;

    let admin = DirectoryAdmin::operator();
    let opts = ImportOptions::default();
    let units = import_units(
        db,
        clock,
        Actor::SYSTEM,
        admin,
        demo.units_csv.as_bytes(),
        opts,
        &|_, _| {},
    )
    .await?;
    let people_report = import_people(
        db,
        clock,
        Actor::SYSTEM,
        admin,
        demo.people_csv.as_bytes(),
        opts,
        progress,
    )
    .await?;
    if !units.written || !people_report.written {
        return Err(Error::Internal(format!(
            "demo import refused: units {:?}, people {:?}",
            units.errors.first(),
            people_report.errors.first()
        )));
    }
    // Everyone works on the first site of their unit's delegation.
    sqlx::query(
        "UPDATE people SET site_id = (SELECT MIN(s.id) FROM sites s JOIN units u ON u.delegation_id = s.delegation_id
                                      WHERE u.id = people.unit_id)",
    )
    .execute(db.pool())
    .await
    .db()?;

    // One hash for every demo account: the demo password is public anyway.
    let hash = accounts::hash_any_password(PASSWORD)?;
    let a = &demo.accounts;
    let delegation = |code: &str| {
        let code = code.to_string();
        async move {
            id_of(db, "SELECT id FROM delegations WHERE code = $1", &code)
                .await
                .map(|id| Scope::Delegation(DelegationId(id)))
        }
    };
    let unit = Scope::Unit(UnitId(
        id_of(
            db,
            "SELECT id FROM units WHERE code = $1",
            &a.correspondant_unit,
        )
        .await?,
    ));
    let it_delegation = delegation(&a.informatique_delegation).await?;
    let mut grants: Vec<(String, Option<Grant>)> = vec![
        (
            a.admin.clone(),
            Some(Grant {
                role: Role::Admin,
                scope: Scope::Institute,
            }),
        ),
        (
            a.formation.clone(),
            Some(Grant {
                role: Role::TrainingOfficer,
                scope: Scope::Institute,
            }),
        ),
        (
            a.informatique.clone(),
            Some(Grant {
                role: Role::ItStaff,
                scope: it_delegation,
            }),
        ),
        (
            a.correspondant.clone(),
            Some(Grant {
                role: Role::ItCorrespondent,
                scope: unit,
            }),
        ),
        (
            a.manager.clone(),
            Some(Grant {
                role: Role::Manager,
                scope: unit,
            }),
        ),
        (a.agent.clone(), None),
        (
            a.crise.clone(),
            Some(Grant {
                role: Role::CrisisCell,
                scope: it_delegation,
            }),
        ),
    ];
    for (code, training, it, crisis) in &a.role_holders {
        let scope = delegation(code).await?;
        grants.push((
            training.clone(),
            Some(Grant {
                role: Role::TrainingOfficer,
                scope,
            }),
        ));
        grants.push((
            it.clone(),
            Some(Grant {
                role: Role::ItStaff,
                scope,
            }),
        ));
        grants.push((
            crisis.clone(),
            Some(Grant {
                role: Role::CrisisCell,
                scope,
            }),
        ));
    }
    let mut people_ids: HashMap<String, PersonId> = HashMap::new();
    let mut tx = db.begin().await.db()?;
    for (number, grant) in grants {
        let person = match people_ids.get(&number) {
            Some(p) => *p,
            None => {
                let (id,): (i64,) =
                    sqlx::query_as("SELECT id FROM people WHERE employee_number = $1")
                        .bind(&number)
                        .fetch_one(&mut *tx)
                        .await
                        .db()?;
                accounts::set_password(&mut tx, now, PersonId(id), &hash).await?;
                people_ids.insert(number.clone(), PersonId(id));
                PersonId(id)
            }
        };
        if let Some(g) = grant {
            accounts::grant(&mut tx, now, Actor::SYSTEM, person, g).await?;
        }
    }
    // The fixed demo accounts follow the browser's language (French by
    // default) rather than a preference the generator drew at random.
    for number in [
        &a.admin,
        &a.formation,
        &a.informatique,
        &a.correspondant,
        &a.manager,
        &a.agent,
        &a.crise,
    ] {
        sqlx::query("UPDATE people SET language = NULL WHERE employee_number = $1")
            .bind(number)
            .execute(&mut *tx)
            .await
            .db()?;
    }
    tx.commit().await.db()?;
    Ok(demo)
}
