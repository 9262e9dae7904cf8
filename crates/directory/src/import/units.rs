//! `code;name;delegation;partners` — partners separated by `|`; a delegation
//! named for the first time is created.

use std::collections::{HashMap, HashSet};

use relais_core::text::fold;
use relais_core::values::{Name, UnitCode};
use relais_core::{Clock, Error, Msg, Result};
use relais_db::audit::{self, Actor};
use relais_db::{Db, DbResultExt};

use super::{ImportOptions, ImportReport, LineError, Progress, Table, field, line_error};
use crate::access::DirectoryAdmin;

pub const COLUMNS: [&str; 4] = ["code", "name", "delegation", "partners"];

struct Row {
    line: u64,
    code: UnitCode,
    name: String,
    delegation: String,
    partners: Vec<String>,
}

fn parse_row(line: u64, t: &Table, r: &csv::StringRecord) -> Result<Row, Vec<LineError>> {
    let mut errors = Vec::new();
    let mut err = |e: Error| {
        if let Error::Invalid { field, msg } = e {
            errors.push(line_error(line, Some(field), msg));
        }
    };
    let code = UnitCode::parse(field(r, t.index("code")))
        .map_err(&mut err)
        .ok();
    let name = Name::parse("name", field(r, t.index("name")))
        .map_err(&mut err)
        .ok();
    let delegation = UnitCode::parse(field(r, t.index("delegation")))
        .map_err(|_| Error::invalid("delegation", "import-error-delegation-invalid"))
        .map_err(&mut err)
        .ok();
    let mut partners: Vec<String> = field(r, t.index("partners"))
        .split('|')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(str::to_string)
        .collect();
    partners.sort();
    partners.dedup();
    match (code, name, delegation) {
        (Some(code), Some(name), Some(delegation)) if errors.is_empty() => Ok(Row {
            line,
            code,
            name: name.as_str().to_string(),
            delegation: delegation.as_str().to_string(),
            partners,
        }),
        _ => Err(errors),
    }
}

pub async fn import_units(
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
    let mut bad_lines: HashSet<u64> = errors.iter().map(|e| e.line).collect();
    let mut rows = Vec::new();
    let mut seen: HashMap<String, u64> = HashMap::new();
    for (line, r) in &table.records {
        match parse_row(*line, &table, r) {
            Ok(row) => {
                if let Some(first) = seen.insert(row.code.as_str().to_string(), row.line) {
                    errors.push(line_error(
                        row.line,
                        Some("code"),
                        Msg::new("import-error-duplicate-unit")
                            .arg("code", row.code.as_str())
                            .arg("first", first),
                    ));
                    bad_lines.insert(row.line);
                } else {
                    rows.push(row);
                }
            }
            Err(e) => {
                bad_lines.insert(*line);
                errors.extend(e);
            }
        }
    }
    errors.sort_by_key(|e| e.line);
    let rejected = bad_lines.len() as u64;
    if !errors.is_empty() && !opts.skip_invalid {
        return Ok(ImportReport::refused(errors, rejected));
    }

    let existing: Vec<(i64, String, String, i64)> =
        sqlx::query_as("SELECT id, code, name, delegation_id FROM units")
            .fetch_all(db.pool())
            .await
            .db()?;
    let existing: HashMap<String, (i64, String, i64)> = existing
        .into_iter()
        .map(|(id, code, name, d)| (code, (id, name, d)))
        .collect();
    let partner_rows: Vec<(i64, String)> =
        sqlx::query_as("SELECT unit_id, partner FROM unit_partners ORDER BY partner")
            .fetch_all(db.pool())
            .await
            .db()?;
    let mut partners_of: HashMap<i64, Vec<String>> = HashMap::new();
    for (u, p) in partner_rows {
        partners_of.entry(u).or_default().push(p);
    }

    let now = clock.now();
    let mut report = ImportReport {
        rejected,
        errors,
        written: true,
        ..Default::default()
    };
    let mut tx = db.begin().await.db()?;
    let result: relais_core::Result<()> = async {
        let mut delegations: HashMap<String, i64> = HashMap::new();
        let total = rows.len() as u64;
        for (i, row) in rows.iter().enumerate() {
            let delegation = match delegations.get(&row.delegation) {
                Some(d) => *d,
                None => {
                    let d = crate::org::ensure_delegation(&mut tx, &row.delegation, &row.delegation)
                        .await?
                        .0;
                    delegations.insert(row.delegation.clone(), d);
                    d
                }
            };
            let key = fold(&format!(
                "{} {} {}",
                row.code.as_str(),
                row.name,
                row.partners.join(" ")
            ));
            let unit_id = match existing.get(row.code.as_str()) {
                Some((id, name, d)) => {
                    let same_partners = partners_of.get(id).map(Vec::as_slice).unwrap_or(&[])
                        == row.partners.as_slice();
                    if *name == row.name && *d == delegation && same_partners {
                        report.unchanged += 1;
                        continue;
                    }
                    sqlx::query(
                        "UPDATE units SET name = $1, delegation_id = $2, search_key = $3 WHERE id = $4",
                    )
                    .bind(&row.name)
                    .bind(delegation)
                    .bind(&key)
                    .bind(id)
                    .execute(&mut *tx)
                    .await
                    .db()?;
                    sqlx::query("DELETE FROM unit_partners WHERE unit_id = $1")
                        .bind(id)
                        .execute(&mut *tx)
                        .await
                        .db()?;
                    report.updated += 1;
                    *id
                }
                None => {
                    let (id,): (i64,) = sqlx::query_as(
                        "INSERT INTO units (code, name, delegation_id, search_key) VALUES ($1, $2, $3, $4) RETURNING id",
                    )
                    .bind(row.code.as_str())
                    .bind(&row.name)
                    .bind(delegation)
                    .bind(&key)
                    .fetch_one(&mut *tx)
                    .await
                    .db()?;
                    report.created += 1;
                    id
                }
            };
            for p in &row.partners {
                sqlx::query("INSERT INTO unit_partners (unit_id, partner) VALUES ($1, $2)")
                    .bind(unit_id)
                    .bind(p)
                    .execute(&mut *tx)
                    .await
                    .db()?;
            }
            if i % 50 == 0 {
                progress(i as u64, total);
            }
        }
        audit::record(
            &mut tx,
            now,
            actor,
            "directory.import_units",
            "units",
            serde_json::json!({ "created": report.created, "updated": report.updated, "unchanged": report.unchanged, "rejected": report.rejected }),
        )
        .await
        .db()?;
        Ok(())
    }
    .await;
    relais_db::finish(tx, result).await?;
    progress(rows.len() as u64, rows.len() as u64);
    Ok(report)
}
