//! `employee_number;email;first_name;last_name;unit_code;team;
//! manager_employee_number;job_category;phd_supervisor;language`, the last
//! five optional. Managers and supervisors may be anywhere in the file or
//! already in the directory. An empty language keeps the person's choice.

use std::collections::{HashMap, HashSet};

use relais_core::values::{Email, EmployeeNumber, Name, UnitCode};
use relais_core::{Clock, Error, Lang, Msg, Result};
use relais_db::audit::{self, Actor};
use relais_db::{Db, DbResultExt, SqlBuf, Tx};

use super::{ImportOptions, ImportReport, LineError, Progress, Table, field, line_error};
use crate::access::DirectoryAdmin;
use crate::people::search_key;

pub const COLUMNS: [&str; 10] = [
    "employee_number",
    "email",
    "first_name",
    "last_name",
    "unit_code",
    "team",
    "manager_employee_number",
    "job_category",
    "phd_supervisor",
    "language",
];

/// Rows per multi-row statement. Measured on 27,000 people (docs/performance.md):
/// 50 is fastest on both backends; 250 took 4x longer on PostgreSQL (planning
/// statements with thousands of parameters), one row at a time 3x longer.
const BATCH: usize = 50;

struct Row {
    line: u64,
    number: String,
    email: String,
    first: String,
    last: String,
    unit_code: String,
    team: Option<String>,
    manager: Option<String>,
    job: Option<String>,
    supervisor: Option<String>,
    lang: Option<String>,
}

fn optional(s: &str) -> Option<String> {
    let s = s.trim();
    (!s.is_empty()).then(|| s.to_string())
}

fn parse_row(line: u64, t: &Table, r: &csv::StringRecord) -> Result<Row, Vec<LineError>> {
    let mut errors = Vec::new();
    let mut err = |e: Error| {
        if let Error::Invalid { field, msg } = e {
            errors.push(line_error(line, Some(field), msg));
        }
    };
    let get = |name: &str| field(r, t.index(name));
    let number = EmployeeNumber::parse(get("employee_number"))
        .map_err(&mut err)
        .ok();
    let email = Email::parse(get("email")).map_err(&mut err).ok();
    let first = Name::parse("first_name", get("first_name"))
        .map_err(&mut err)
        .ok();
    let last = Name::parse("last_name", get("last_name"))
        .map_err(&mut err)
        .ok();
    let unit = UnitCode::parse(get("unit_code")).map_err(&mut err).ok();
    let team = optional(get("team"))
        .map(|t| Name::parse("team", &t).map(|n| n.as_str().to_string()))
        .transpose()
        .map_err(&mut err)
        .ok()
        .flatten();
    let reference = |field: &'static str, v: &str| {
        optional(v)
            .map(|v| {
                EmployeeNumber::parse(&v)
                    .map(|n| n.as_str().to_string())
                    .map_err(|_| Error::Invalid {
                        field,
                        msg: Msg::new("error-employee-number-invalid"),
                    })
            })
            .transpose()
    };
    let manager = reference("manager_employee_number", get("manager_employee_number"))
        .map_err(&mut err)
        .ok()
        .flatten();
    let supervisor = reference("phd_supervisor", get("phd_supervisor"))
        .map_err(&mut err)
        .ok()
        .flatten();
    let job = optional(get("job_category"))
        .map(|j| Name::parse("job_category", &j).map(|n| n.as_str().to_string()))
        .transpose()
        .map_err(&mut err)
        .ok()
        .flatten();
    let lang = match optional(get("language")) {
        None => None,
        Some(l) => match Lang::parse(&l) {
            Some(lang) if l.len() == 2 => Some(lang.code().to_string()),
            _ => {
                err(Error::Invalid {
                    field: "language",
                    msg: Msg::new("import-error-language").arg("value", l),
                });
                None
            }
        },
    };
    match (number, email, first, last, unit) {
        (Some(number), Some(email), Some(first), Some(last), Some(unit)) if errors.is_empty() => {
            Ok(Row {
                line,
                number: number.as_str().to_string(),
                email: email.as_str().to_string(),
                first: first.as_str().to_string(),
                last: last.as_str().to_string(),
                unit_code: unit.as_str().to_string(),
                team,
                manager,
                job,
                supervisor,
                lang,
            })
        }
        _ => Err(errors),
    }
}

/// A person already in the directory, as the import compares them.
#[derive(Clone, PartialEq)]
struct Current {
    id: i64,
    number: String,
    email: String,
    first: String,
    last: String,
    unit: Option<i64>,
    team: Option<i64>,
    manager: Option<i64>,
    job: Option<String>,
    supervisor: Option<i64>,
    lang: Option<String>,
}

type CurrentRow = (
    i64,
    String,
    String,
    String,
    String,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    Option<String>,
    Option<i64>,
    Option<String>,
);

async fn load_current(db: &Db) -> Result<Vec<Current>> {
    let rows: Vec<CurrentRow> = sqlx::query_as(
        "SELECT id, employee_number, email, first_name, last_name, unit_id, team_id, manager_id, job_category,
                phd_supervisor_id, language FROM people",
    )
    .fetch_all(db.pool())
    .await
    .db()?;
    Ok(rows
        .into_iter()
        .map(|r| Current {
            id: r.0,
            number: r.1,
            email: r.2,
            first: r.3,
            last: r.4,
            unit: r.5,
            team: r.6,
            manager: r.7,
            job: r.8,
            supervisor: r.9,
            lang: r.10,
        })
        .collect())
}

/// Checks what needs the whole file and the directory: duplicates, units,
/// matches, references, cycles. Returns the errors found; with
/// `skip_invalid`, drops bad rows (and rows that pointed at them) until none is left.
fn validate(
    rows: &mut Vec<Row>,
    units: &HashMap<String, i64>,
    current: &[Current],
    skip_invalid: bool,
) -> Vec<LineError> {
    let by_number: HashMap<&str, usize> = current
        .iter()
        .enumerate()
        .map(|(i, c)| (c.number.as_str(), i))
        .collect();
    let by_email: HashMap<&str, usize> = current
        .iter()
        .enumerate()
        .map(|(i, c)| (c.email.as_str(), i))
        .collect();
    let mut errors = Vec::new();
    let mut first_number: HashMap<String, u64> = HashMap::new();
    let mut first_email: HashMap<String, u64> = HashMap::new();
    let mut bad: HashSet<u64> = HashSet::new();
    let mut matched_by: HashMap<usize, u64> = HashMap::new();
    for row in rows.iter() {
        let mut e = |field, msg| {
            errors.push(line_error(row.line, Some(field), msg));
            bad.insert(row.line);
        };
        if let Some(first) = first_number.get(&row.number) {
            e(
                "employee_number",
                Msg::new("import-error-duplicate-employee-number")
                    .arg("number", &row.number)
                    .arg("first", first),
            );
        } else {
            first_number.insert(row.number.clone(), row.line);
        }
        if let Some(first) = first_email.get(&row.email) {
            e(
                "email",
                Msg::new("import-error-duplicate-email")
                    .arg("email", &row.email)
                    .arg("first", first),
            );
        } else {
            first_email.insert(row.email.clone(), row.line);
        }
        if !units.contains_key(&row.unit_code) {
            e(
                "unit_code",
                Msg::new("import-error-unknown-unit").arg("code", &row.unit_code),
            );
        }
        let matched = by_number
            .get(row.number.as_str())
            .or_else(|| by_email.get(row.email.as_str()));
        // Two lines must not land on the same person (one by number, one by address).
        if let Some(&m) = matched {
            match matched_by.get(&m) {
                Some(first) => e(
                    "employee_number",
                    Msg::new("import-error-same-person").arg("first", first),
                ),
                None => {
                    matched_by.insert(m, row.line);
                }
            }
        }
        if let Some(&owner) = by_email.get(row.email.as_str())
            && Some(&owner) != matched
        {
            e(
                "email",
                Msg::new("import-error-email-taken")
                    .arg("email", &row.email)
                    .arg("number", &current[owner].number),
            );
        }
    }
    loop {
        let known: HashSet<&str> = rows
            .iter()
            .filter(|r| !bad.contains(&r.line))
            .map(|r| r.number.as_str())
            .chain(current.iter().map(|c| c.number.as_str()))
            .collect();
        let mut new_errors = Vec::new();
        for row in rows.iter().filter(|r| !bad.contains(&r.line)) {
            for (field, reference, key) in [
                (
                    "manager_employee_number",
                    &row.manager,
                    "import-error-unknown-manager",
                ),
                (
                    "phd_supervisor",
                    &row.supervisor,
                    "import-error-unknown-supervisor",
                ),
            ] {
                if let Some(n) = reference {
                    if *n == row.number {
                        new_errors.push(line_error(
                            row.line,
                            Some(field),
                            Msg::new("import-error-self-reference"),
                        ));
                    } else if !known.contains(n.as_str()) {
                        new_errors.push(line_error(
                            row.line,
                            Some(field),
                            Msg::new(key).arg("number", n),
                        ));
                    }
                }
            }
        }
        new_errors.extend(manager_cycles(rows, &bad, current));
        if new_errors.is_empty() {
            break;
        }
        for e in &new_errors {
            bad.insert(e.line);
        }
        errors.extend(new_errors);
        if !skip_invalid {
            break;
        }
    }
    errors.sort_by_key(|e| e.line);
    rows.retain(|r| !bad.contains(&r.line));
    errors
}

/// Rows whose chain of managers comes back to them, once the file is applied.
fn manager_cycles(rows: &[Row], bad: &HashSet<u64>, current: &[Current]) -> Vec<LineError> {
    let by_id: HashMap<i64, &str> = current.iter().map(|c| (c.id, c.number.as_str())).collect();
    let mut manager_of: HashMap<&str, &str> = current
        .iter()
        .filter_map(|c| Some((c.number.as_str(), *by_id.get(&c.manager?)?)))
        .collect();
    for r in rows.iter().filter(|r| !bad.contains(&r.line)) {
        match &r.manager {
            // Being one's own manager is reported on its own, not as a cycle.
            Some(m) if *m == r.number => manager_of.remove(r.number.as_str()),
            Some(m) => manager_of.insert(r.number.as_str(), m.as_str()),
            None => manager_of.remove(r.number.as_str()),
        };
    }
    let limit = manager_of.len() + 1;
    rows.iter()
        .filter(|r| !bad.contains(&r.line))
        .filter(|r| {
            let mut at = r.number.as_str();
            for _ in 0..limit {
                match manager_of.get(at) {
                    Some(&m) if m == r.number => return true,
                    Some(&m) => at = m,
                    None => return false,
                }
            }
            false
        })
        .map(|r| {
            line_error(
                r.line,
                Some("manager_employee_number"),
                Msg::new("import-error-manager-cycle"),
            )
        })
        .collect()
}

async fn ensure_teams(
    tx: &mut Tx,
    rows: &[Row],
    units: &HashMap<String, i64>,
) -> Result<HashMap<(i64, String), i64>> {
    let existing: Vec<(i64, i64, String)> = sqlx::query_as("SELECT id, unit_id, name FROM teams")
        .fetch_all(&mut **tx)
        .await
        .db()?;
    let mut teams: HashMap<(i64, String), i64> = existing
        .into_iter()
        .map(|(id, u, n)| ((u, n), id))
        .collect();
    for row in rows {
        if let Some(team) = &row.team {
            let key = (units[&row.unit_code], team.clone());
            if let std::collections::hash_map::Entry::Vacant(slot) = teams.entry(key) {
                let (id,): (i64,) = sqlx::query_as(
                    "INSERT INTO teams (unit_id, name) VALUES ($1, $2) RETURNING id",
                )
                .bind(slot.key().0)
                .bind(&slot.key().1)
                .fetch_one(&mut **tx)
                .await
                .db()?;
                slot.insert(id);
            }
        }
    }
    Ok(teams)
}

pub async fn import_people(
    db: &Db,
    clock: &dyn Clock,
    actor: Actor,
    _cap: DirectoryAdmin,
    bytes: &[u8],
    opts: ImportOptions,
    progress: Progress<'_>,
) -> Result<ImportReport> {
    let (table, mut errors) = match Table::parse(bytes, &COLUMNS) {
        Ok(t) => t,
        Err(errors) => return Ok(ImportReport::refused(errors, 0)),
    };
    let mut rows = Vec::with_capacity(table.records.len());
    for (line, r) in &table.records {
        match parse_row(*line, &table, r) {
            Ok(row) => rows.push(row),
            Err(e) => errors.extend(e),
        }
    }
    let units: HashMap<String, i64> =
        sqlx::query_as::<_, (String, i64)>("SELECT code, id FROM units")
            .fetch_all(db.pool())
            .await
            .db()?
            .into_iter()
            .collect();
    let current = load_current(db).await?;
    errors.extend(validate(&mut rows, &units, &current, opts.skip_invalid));
    errors.sort_by_key(|e| e.line);
    let rejected = errors.iter().map(|e| e.line).collect::<HashSet<_>>().len() as u64;
    if !errors.is_empty() && !opts.skip_invalid {
        return Ok(ImportReport::refused(errors, rejected));
    }

    let now = clock.now();
    let total = rows.len() as u64 * 2;
    let mut report = ImportReport {
        rejected,
        errors,
        written: true,
        ..Default::default()
    };
    let by_number: HashMap<&str, &Current> =
        current.iter().map(|c| (c.number.as_str(), c)).collect();
    let by_email: HashMap<&str, &Current> = current.iter().map(|c| (c.email.as_str(), c)).collect();
    let mut tx = db.begin().await.db()?;
    let result: relais_core::Result<()> = async {
        let teams = ensure_teams(&mut tx, &rows, &units).await?;

        // Pass 1: insert new people and update changed fields, managers left for pass 2.
        let mut ids: HashMap<String, i64> = current.iter().map(|c| (c.number.clone(), c.id)).collect();
        let mut changed: HashSet<String> = HashSet::new();
        let mut new_rows: Vec<&Row> = Vec::new();
        for (i, row) in rows.iter().enumerate() {
            let unit = units[&row.unit_code];
            let team = row.team.as_ref().map(|t| teams[&(unit, t.clone())]);
            let key = search_key(
                &row.first,
                &row.last,
                &row.email,
                &row.number,
                &row.unit_code,
            );
            match by_number
                .get(row.number.as_str())
                .or_else(|| by_email.get(row.email.as_str()))
            {
                None => new_rows.push(row),
                Some(cur) => {
                    let lang = row.lang.clone().or_else(|| cur.lang.clone());
                    let next = Current {
                        number: row.number.clone(),
                        email: row.email.clone(),
                        first: row.first.clone(),
                        last: row.last.clone(),
                        unit: Some(unit),
                        team,
                        job: row.job.clone(),
                        lang,
                        ..(*cur).clone()
                    };
                    if next != **cur {
                        sqlx::query(
                            "UPDATE people SET employee_number = $1, email = $2, first_name = $3, last_name = $4, unit_id = $5,
                             team_id = $6, job_category = $7, language = $8, search_key = $9, updated_at = $10 WHERE id = $11",
                        )
                        .bind(&next.number)
                        .bind(&next.email)
                        .bind(&next.first)
                        .bind(&next.last)
                        .bind(next.unit)
                        .bind(next.team)
                        .bind(&next.job)
                        .bind(&next.lang)
                        .bind(&key)
                        .bind(now.0)
                        .bind(cur.id)
                        .execute(&mut *tx)
                        .await
                        .on_unique("email", "import-error-email-taken")?;
                        changed.insert(row.number.clone());
                    }
                    ids.insert(row.number.clone(), cur.id);
                }
            }
            if i % 500 == 0 {
                progress(i as u64, total);
            }
        }
        for chunk in new_rows.chunks(BATCH) {
            let mut sql = SqlBuf::new(
                "INSERT INTO people (employee_number, email, first_name, last_name, unit_id, team_id, job_category,
                 language, search_key, created_at, updated_at) VALUES ",
            );
            for (j, row) in chunk.iter().enumerate() {
                let unit = units[&row.unit_code];
                sql.push(if j == 0 { "(" } else { ", (" })
                    .bind(row.number.as_str())
                    .push(", ")
                    .bind(row.email.as_str())
                    .push(", ")
                    .bind(row.first.as_str())
                    .push(", ")
                    .bind(row.last.as_str())
                    .push(", ")
                    .bind(unit)
                    .push(", ");
                match &row.team {
                    Some(t) => sql.bind(teams[&(unit, t.clone())]),
                    None => sql.push("NULL"),
                };
                sql.push(", ");
                match &row.job {
                    Some(j) => sql.bind(j.as_str()),
                    None => sql.push("NULL"),
                };
                sql.push(", ");
                match &row.lang {
                    Some(l) => sql.bind(l.as_str()),
                    None => sql.push("NULL"),
                };
                sql.push(", ")
                    .bind(search_key(
                        &row.first,
                        &row.last,
                        &row.email,
                        &row.number,
                        &row.unit_code,
                    ))
                    .push(", ")
                    .bind(now.0)
                    .push(", ")
                    .bind(now.0)
                    .push(")");
            }
            sql.push(" RETURNING id, employee_number");
            let inserted: Vec<(i64, String)> = sql
                .query_as()
                .fetch_all(&mut *tx)
                .await
                .on_unique("email", "import-error-email-taken")?;
            for (id, number) in inserted {
                ids.insert(number, id);
            }
            report.created += chunk.len() as u64;
        }
        progress(rows.len() as u64, total);

        // Pass 2: managers and supervisors, now that every person has an id.
        let current_by_id: HashMap<i64, &Current> = current.iter().map(|c| (c.id, c)).collect();
        let mut links: Vec<(i64, Option<i64>, Option<i64>)> = Vec::new();
        for row in &rows {
            let id = ids[&row.number];
            let manager = row.manager.as_ref().map(|m| ids[m]);
            let supervisor = row.supervisor.as_ref().map(|s| ids[s]);
            let (old_manager, old_supervisor) = current_by_id
                .get(&id)
                .map(|c| (c.manager, c.supervisor))
                .unwrap_or((None, None));
            if (manager, supervisor) != (old_manager, old_supervisor) {
                links.push((id, manager, supervisor));
                if current_by_id.contains_key(&id) {
                    changed.insert(row.number.clone());
                }
            }
        }
        for (n, chunk) in links.chunks(BATCH).enumerate() {
            let mut sql = SqlBuf::new(
                "UPDATE people SET manager_id = v.column2, phd_supervisor_id = v.column3 FROM (VALUES ",
            );
            for (j, (id, manager, supervisor)) in chunk.iter().enumerate() {
                sql.push(if j == 0 { "(" } else { ", (" })
                    .bind(*id)
                    .push(", ");
                // A literal NULL has no type in PostgreSQL's VALUES: cast it.
                match manager {
                    Some(m) => sql.bind(*m),
                    None => sql.push("CAST(NULL AS BIGINT)"),
                };
                sql.push(", ");
                match supervisor {
                    Some(s) => sql.bind(*s),
                    None => sql.push("CAST(NULL AS BIGINT)"),
                };
                sql.push(")");
            }
            sql.push(") AS v WHERE people.id = v.column1");
            sql.query().execute(&mut *tx).await.db()?;
            progress(
                rows.len() as u64 + ((n + 1) * BATCH).min(links.len()) as u64,
                total,
            );
        }
        report.updated = changed.len() as u64;
        report.unchanged = rows.len() as u64 - report.created - report.updated;

        audit::record(
            &mut tx,
            now,
            actor,
            "directory.import_people",
            "people",
            serde_json::json!({
                "created": report.created, "updated": report.updated,
                "unchanged": report.unchanged, "rejected": report.rejected,
            }),
        )
        .await
        .db()?;
        Ok(())
    }
    .await;
    relais_db::finish(tx, result).await?;
    progress(total, total);
    Ok(report)
}
