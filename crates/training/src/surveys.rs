//! The willingness survey (T4): the office asks agents, month by month,
//! whether they would travel to headquarters, travel within their region, or
//! only follow online. Answers are tallied by delegation and month, shown as
//! a chart, and feed the planner.

use std::collections::{BTreeMap, HashMap};

use relais_core::{DelegationId, Error, Msg, Result, Timestamp};
use relais_db::audit::{self, Actor};
use relais_db::{Db, DbResultExt};
use relais_directory::people::PersonBrief;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::access::TrainingOffice;

/// What an agent would accept for a training in a given month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Willingness {
    /// Would travel to headquarters (Paris).
    Headquarters,
    /// Would travel within their region only.
    Region,
    /// Would only follow online.
    Online,
}

impl Willingness {
    pub const ALL: &'static [Willingness] = &[
        Willingness::Headquarters,
        Willingness::Region,
        Willingness::Online,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Willingness::Headquarters => "headquarters",
            Willingness::Region => "region",
            Willingness::Online => "online",
        }
    }

    pub fn parse(s: &str) -> Option<Willingness> {
        Willingness::ALL.iter().copied().find(|w| w.as_str() == s)
    }
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct NewSurvey {
    #[schema(min_length = 1, max_length = 200)]
    pub title: String,
    /// The months asked about, `YYYY-MM` (1 to 18).
    pub months: Vec<String>,
    /// The delegations asked; none: everyone.
    #[serde(default)]
    pub delegations: Vec<i64>,
    /// Last day answers are taken, `YYYY-MM-DD`.
    #[schema(format = Date)]
    pub closes_on: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Survey {
    pub id: i64,
    pub title: String,
    pub months: Vec<String>,
    pub delegations: Vec<i64>,
    pub closes_at: String,
    #[serde(skip)]
    pub closes: Timestamp,
}

impl Survey {
    /// May this office read the answers? The national office always; a
    /// regional one when the survey asks its delegations only.
    pub fn readable_by(&self, office: &TrainingOffice) -> bool {
        office.national()
            || (!self.delegations.is_empty()
                && self
                    .delegations
                    .iter()
                    .all(|d| office.covers(Some(DelegationId(*d)))))
    }

    pub fn asks(&self, person: &PersonBrief) -> bool {
        self.delegations.is_empty()
            || person
                .delegation_id
                .is_some_and(|d| self.delegations.contains(&d.0))
    }
}

/// The `n` months after the one of `today`, `YYYY-MM`.
pub fn next_months(today: jiff::civil::Date, n: i64) -> Vec<String> {
    let first = today.first_of_month();
    (1..=n)
        .filter_map(|i| first.checked_add(jiff::Span::new().months(i)).ok())
        .map(|d| d.strftime("%Y-%m").to_string())
        .collect()
}

pub(crate) fn month_ok(m: &str) -> bool {
    let b = m.as_bytes();
    b.len() == 7
        && b[4] == b'-'
        && b[..4].iter().chain(&b[5..]).all(u8::is_ascii_digit)
        && (1..=12).contains(&m[5..].parse::<u32>().unwrap_or(0))
}

pub async fn create(
    db: &Db,
    now: Timestamp,
    actor: Actor,
    office: &TrainingOffice,
    tz: &str,
    s: NewSurvey,
) -> Result<i64> {
    for d in &s.delegations {
        office.check(Some(DelegationId(*d)))?;
    }
    if s.delegations.is_empty() && !office.national() {
        return Err(Error::Forbidden);
    }
    let title = s.title.trim();
    if title.is_empty() || title.chars().count() > 200 {
        return Err(Error::invalid("title", "survey-error-title"));
    }
    let mut months = s.months.clone();
    months.sort();
    months.dedup();
    if months.is_empty() || months.len() > 18 || months.iter().any(|m| !month_ok(m)) {
        return Err(Error::invalid("months", "survey-error-months"));
    }
    let closes = crate::sessions::day_in(&s.closes_on, tz, true)
        .ok_or_else(|| Error::invalid("closes_on", "plan-error-date"))?;
    if closes <= now {
        return Err(Error::invalid("closes_on", "survey-error-closes"));
    }
    let mut tx = db.begin().await.db()?;
    let result = async {
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO training_surveys (title, months, created_by, created_at, closes_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(title)
        .bind(serde_json::to_string(&months).map_err(Error::internal)?)
        .bind(actor.person.map(|p| p.0))
        .bind(now.0)
        .bind(closes.0)
        .fetch_one(&mut *tx)
        .await
        .db()?;
        for d in &s.delegations {
            sqlx::query("INSERT INTO training_survey_delegations (survey_id, delegation_id) VALUES ($1, $2) ON CONFLICT DO NOTHING")
                .bind(id)
                .bind(d)
                .execute(&mut *tx)
                .await
                .map_err(|e| {
                    if e.as_database_error().is_some_and(|d| d.is_foreign_key_violation()) {
                        Error::invalid("delegations", "survey-error-delegation")
                    } else {
                        Error::internal(e)
                    }
                })?;
        }
        audit::record(&mut tx, now, actor, "survey.create", &format!("survey:{id}"), serde_json::json!({ "months": months }))
            .await
            .db()?;
        Ok(id)
    }
    .await;
    relais_db::finish(tx, result).await
}

type SurveyRow = (i64, String, String, i64);

async fn surveys(db: &Db, rows: Vec<SurveyRow>) -> Result<Vec<Survey>> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    // Their delegations in one query ("my trainings" asks on every visit).
    let mut sql = relais_db::SqlBuf::new(
        "SELECT survey_id, delegation_id FROM training_survey_delegations WHERE survey_id IN ",
    );
    sql.bind_list(rows.iter().map(|r| r.0))
        .push(" ORDER BY delegation_id");
    let mut of: HashMap<i64, Vec<i64>> = HashMap::new();
    for (survey, d) in sql
        .query_as::<(i64, i64)>()
        .fetch_all(db.pool())
        .await
        .db()?
    {
        of.entry(survey).or_default().push(d);
    }
    rows.into_iter()
        .map(|(id, title, months, closes)| {
            Ok(Survey {
                id,
                title,
                months: serde_json::from_str(&months).map_err(Error::internal)?,
                delegations: of.remove(&id).unwrap_or_default(),
                closes_at: Timestamp(closes).rfc3339(),
                closes: Timestamp(closes),
            })
        })
        .collect()
}

pub async fn get(db: &Db, id: i64) -> Result<Survey> {
    let rows: Vec<SurveyRow> =
        sqlx::query_as("SELECT id, title, months, closes_at FROM training_surveys WHERE id = $1")
            .bind(id)
            .fetch_all(db.pool())
            .await
            .db()?;
    surveys(db, rows).await?.pop().ok_or(Error::NotFound)
}

/// Every survey, newest first.
pub async fn list(db: &Db) -> Result<Vec<Survey>> {
    let rows: Vec<SurveyRow> = sqlx::query_as(
        "SELECT id, title, months, closes_at FROM training_surveys ORDER BY id DESC LIMIT 50",
    )
    .fetch_all(db.pool())
    .await
    .db()?;
    surveys(db, rows).await
}

/// The surveys still open that ask this person.
pub async fn open_for(db: &Db, now: Timestamp, person: &PersonBrief) -> Result<Vec<Survey>> {
    let rows: Vec<SurveyRow> = sqlx::query_as(
        "SELECT id, title, months, closes_at FROM training_surveys WHERE closes_at > $1 ORDER BY closes_at LIMIT 20",
    )
    .bind(now.0)
    .fetch_all(db.pool())
    .await
    .db()?;
    Ok(surveys(db, rows)
        .await?
        .into_iter()
        .filter(|s| s.asks(person))
        .collect())
}

/// Records (or replaces) a person's answers, all at once.
pub async fn answer(
    db: &Db,
    now: Timestamp,
    person: &PersonBrief,
    survey: i64,
    answers: &[(String, Willingness)],
) -> Result<()> {
    let s = get(db, survey).await?;
    if !s.asks(person) {
        return Err(Error::invalid("survey", "survey-error-audience"));
    }
    if s.closes <= now {
        return Err(Error::Conflict {
            field: "survey",
            msg: Msg::new("survey-error-closed"),
        });
    }
    if answers.is_empty() {
        return Err(Error::invalid("answers", "survey-error-empty"));
    }
    if let Some((m, _)) = answers.iter().find(|(m, _)| !s.months.contains(m)) {
        return Err(Error::Invalid {
            field: "month",
            msg: Msg::new("survey-error-month").arg("month", m),
        });
    }
    let mut tx = db.begin().await.db()?;
    let result = async {
        for (month, w) in answers {
            sqlx::query(
                "INSERT INTO training_survey_answers (survey_id, person_id, delegation_id, month, answer, answered_at) VALUES ($1, $2, $3, $4, $5, $6)
                 ON CONFLICT (survey_id, person_id, month) DO UPDATE SET answer = excluded.answer, delegation_id = excluded.delegation_id, answered_at = excluded.answered_at",
            )
            .bind(survey)
            .bind(person.id.0)
            .bind(person.delegation_id.map(|d| d.0))
            .bind(month)
            .bind(w.as_str())
            .bind(now.0)
            .execute(&mut *tx)
            .await
            .db()?;
        }
        Ok(())
    }
    .await;
    relais_db::finish(tx, result).await
}

pub async fn answers_of(
    db: &Db,
    survey: i64,
    person: relais_core::PersonId,
) -> Result<HashMap<String, Willingness>> {
    let rows: Vec<(String, String)> = sqlx::query_as(
        "SELECT month, answer FROM training_survey_answers WHERE survey_id = $1 AND person_id = $2",
    )
    .bind(survey)
    .bind(person.0)
    .fetch_all(db.pool())
    .await
    .db()?;
    Ok(rows
        .into_iter()
        .filter_map(|(m, a)| Some((m, Willingness::parse(&a)?)))
        .collect())
}

/// The answers of one delegation (or of all) for one month.
#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct Tally {
    pub month: String,
    pub headquarters: i64,
    pub region: i64,
    pub online: i64,
}

impl Tally {
    pub fn total(&self) -> i64 {
        self.headquarters + self.region + self.online
    }

    /// The share who would travel at all (to headquarters or in their region), 0 to 1.
    pub fn travel_share(&self) -> f64 {
        if self.total() == 0 {
            0.0
        } else {
            (self.headquarters + self.region) as f64 / self.total() as f64
        }
    }
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DelegationTally {
    pub delegation_id: Option<i64>,
    pub delegation: String,
    pub months: Vec<Tally>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Results {
    pub survey: Survey,
    pub people: i64,
    /// All delegations together, month by month.
    pub all: Vec<Tally>,
    pub delegations: Vec<DelegationTally>,
}

pub async fn results(db: &Db, id: i64) -> Result<Results> {
    let survey = get(db, id).await?;
    let rows: Vec<(Option<i64>, Option<String>, String, String, i64)> = sqlx::query_as(
        "SELECT a.delegation_id, d.name, a.month, a.answer, COUNT(*) FROM training_survey_answers a
         LEFT JOIN delegations d ON d.id = a.delegation_id
         WHERE a.survey_id = $1 GROUP BY a.delegation_id, d.name, a.month, a.answer",
    )
    .bind(id)
    .fetch_all(db.pool())
    .await
    .db()?;
    let (people,): (i64,) = sqlx::query_as(
        "SELECT COUNT(DISTINCT person_id) FROM training_survey_answers WHERE survey_id = $1",
    )
    .bind(id)
    .fetch_one(db.pool())
    .await
    .db()?;
    let blank = |months: &[String]| -> Vec<Tally> {
        months
            .iter()
            .map(|m| Tally {
                month: m.clone(),
                ..Default::default()
            })
            .collect()
    };
    let mut all = blank(&survey.months);
    let mut by: BTreeMap<(String, Option<i64>), Vec<Tally>> = BTreeMap::new();
    for (d, name, month, answer, n) in rows {
        let Some(i) = survey.months.iter().position(|m| *m == month) else {
            continue;
        };
        let row = by
            .entry((name.unwrap_or_default(), d))
            .or_insert_with(|| blank(&survey.months));
        for t in [&mut row[i], &mut all[i]] {
            match Willingness::parse(&answer) {
                Some(Willingness::Headquarters) => t.headquarters += n,
                Some(Willingness::Region) => t.region += n,
                Some(Willingness::Online) => t.online += n,
                None => {}
            }
        }
    }
    Ok(Results {
        survey,
        people,
        all,
        delegations: by
            .into_iter()
            .map(|((delegation, delegation_id), months)| DelegationTally {
                delegation_id,
                delegation,
                months,
            })
            .collect(),
    })
}

/// Share of agents willing to travel, by (delegation, month), over every
/// survey's answers (the latest answer of each person for a month counts).
pub async fn willingness(db: &Db) -> Result<HashMap<(i64, String), f64>> {
    let rows: Vec<(i64, String, String, i64)> = sqlx::query_as(
        "SELECT a.delegation_id, a.month, a.answer, COUNT(*) FROM training_survey_answers a
         WHERE a.delegation_id IS NOT NULL AND NOT EXISTS (
             SELECT 1 FROM training_survey_answers b WHERE b.person_id = a.person_id AND b.month = a.month
               AND (b.answered_at > a.answered_at OR (b.answered_at = a.answered_at AND b.survey_id > a.survey_id)))
         GROUP BY a.delegation_id, a.month, a.answer",
    )
    .fetch_all(db.pool())
    .await
    .db()?;
    let mut t: HashMap<(i64, String), Tally> = HashMap::new();
    for (d, m, a, n) in rows {
        let e = t.entry((d, m)).or_default();
        match Willingness::parse(&a) {
            Some(Willingness::Headquarters) => e.headquarters += n,
            Some(Willingness::Region) => e.region += n,
            Some(Willingness::Online) => e.online += n,
            None => {}
        }
    }
    Ok(t.into_iter().map(|(k, v)| (k, v.travel_share())).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_travel_share_counts_headquarters_and_region() {
        let t = Tally {
            month: "2020-09".into(),
            headquarters: 1,
            region: 2,
            online: 1,
        };
        assert_eq!(t.total(), 4);
        assert!((t.travel_share() - 0.75).abs() < 1e-9);
        assert_eq!(Tally::default().travel_share(), 0.0);
        assert!(month_ok("2021-01") && !month_ok("2021-00"));
    }
}
