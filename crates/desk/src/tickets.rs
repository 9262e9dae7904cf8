//! Tickets: opening one (for oneself, for someone of one's unit, or for a
//! caller), reading one with its thread as one's role allows, and the lists
//! (mine, the unit's, the queues). Replies, status changes, assignment and
//! merging are in [`crate::thread`].

use relais_core::{
    DelegationId, Error, Page, PageRequest, PersonId, Principal, Result, Timestamp, UnitId,
};
use relais_db::audit::{self, Actor};
use relais_db::{DbResultExt, SqlBuf, Tx};
use relais_directory::people::{self, PersonBrief};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::access::{self, DeskStaff, TicketAccess, TicketFacts};
use crate::attachments::{self, AttachmentInfo, Upload};
use crate::model::{Category, Channel, MessageKind, Priority, Status, Urgency};
use crate::{Desk, clean, known_issues, notices, required, search};

/// What it takes to open a ticket: a subject and a description.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct NewTicket {
    /// 1 to 200 characters, not only spaces, no control characters.
    #[schema(
        min_length = 1,
        max_length = 200,
        pattern = r"^[^\u0000-\u001F\u007F-\u009F]*\S[^\u0000-\u001F\u007F-\u009F]*$"
    )]
    pub subject: String,
    /// 1 to 20,000 characters, not only spaces; line breaks and tabs allowed.
    #[schema(
        min_length = 1,
        max_length = 20000,
        pattern = r"^[^\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]*\S[^\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]*$"
    )]
    pub description: String,
    /// home_box, home_connection, videoconf, vpn, hardware, account, national_app or other;
    /// guessed from the text when absent.
    #[schema(value_type = Option<Category>)]
    pub category: Option<String>,
    /// low, normal (default) or high.
    #[schema(value_type = Option<Urgency>)]
    pub urgency: Option<String>,
    /// Open it for this person (IT correspondents for their unit, IT staff).
    #[schema(minimum = 1)]
    pub requester_person_id: Option<i64>,
    /// The equipment concerned (an inventory number, a laptop's name).
    #[schema(max_length = 200, pattern = r"^[^\u0000-\u001F\u007F-\u009F]*$")]
    pub equipment: Option<String>,
}

/// Who asked for help.
#[derive(Debug, Clone)]
pub enum Requester {
    Person(PersonBrief),
    External {
        id: i64,
        name: String,
        email: Option<String>,
    },
}

impl Requester {
    pub fn email(&self) -> Option<&str> {
        match self {
            Requester::Person(b) => Some(&b.email),
            Requester::External { email, .. } => email.as_deref(),
        }
    }
}

/// A ticket ready to be written, every field checked.
pub(crate) struct Draft {
    pub subject: String,
    pub description: String,
    pub category: Category,
    pub urgency: Urgency,
    pub channel: Channel,
    pub requester: Requester,
    pub opened_by: Option<PersonId>,
    pub delegation: Option<DelegationId>,
    pub equipment: Option<String>,
}

/// A category from words people use, when they did not choose one.
pub fn guess_category(text: &str) -> Category {
    let terms = search::terms(text);
    let has = |w: &[&str]| terms.iter().any(|t| w.contains(&t.as_str()));
    if has(&["box", "livebox", "freebox", "bbox", "routeur", "modem"]) {
        Category::HomeBox
    } else if has(&["vpn", "forticlient", "tunnel"]) {
        Category::Vpn
    } else if has(&[
        "visio",
        "visioconferenc",
        "zoom",
        "teams",
        "webex",
        "camera",
        "micro",
        "rendez",
    ]) {
        Category::Videoconf
    } else if has(&[
        "wifi",
        "connexion",
        "debit",
        "internet",
        "fibre",
        "adsl",
        "4g",
        "lent",
    ]) {
        Category::HomeConnection
    } else if has(&["pass", "compte", "identifiant", "verrouill", "login"]) {
        Category::Account
    } else if has(&["certificat", "deces", "medecin", "application", "nationale"]) {
        Category::NationalApp
    } else if has(&[
        "ecran",
        "portabl",
        "ordinateur",
        "clavier",
        "souri",
        "imprimant",
        "pc",
    ]) {
        Category::Hardware
    } else {
        Category::Other
    }
}

pub(crate) fn parse_category(s: Option<&str>, text: &str) -> Result<Category> {
    match s.map(str::trim) {
        None => Ok(guess_category(text)),
        Some(c) => {
            Category::parse(c).ok_or_else(|| Error::invalid("category", "desk-error-category"))
        }
    }
}

pub(crate) fn parse_urgency(s: Option<&str>) -> Result<Urgency> {
    match s.map(str::trim) {
        None => Ok(Urgency::Normal),
        Some(u) => Urgency::parse(u).ok_or_else(|| Error::invalid("urgency", "desk-error-urgency")),
    }
}

/// Minutes to the first answer and to resolution for a category and priority.
pub async fn sla_targets(
    tx: &mut Tx,
    category: Category,
    priority: Priority,
) -> Result<(i64, i64)> {
    let rows: Vec<(String, i64, i64)> = sqlx::query_as(
        "SELECT category, first_response_minutes, resolution_minutes FROM desk_sla
         WHERE priority = $1 AND (category = $2 OR category = '*')",
    )
    .bind(priority.as_str())
    .bind(category.as_str())
    .fetch_all(&mut **tx)
    .await
    .db()?;
    rows.iter()
        .find(|r| r.0 == category.as_str())
        .or_else(|| rows.iter().find(|r| r.0 == "*"))
        .map(|r| (r.1, r.2))
        .ok_or_else(|| Error::Internal(format!("no SLA target for priority {}", priority.as_str())))
}

/// Writes a ticket, attaches it to a matching known issue, stores its
/// attachments and queues the acknowledgement, in the caller's transaction.
pub(crate) async fn insert(
    tx: &mut Tx,
    desk: &Desk,
    d: Draft,
    uploads: Vec<Upload>,
    actor: Actor,
    now: Timestamp,
) -> Result<i64> {
    let priority = d.urgency.priority();
    let (first, resolution) = sla_targets(tx, d.category, priority).await?;
    let known =
        known_issues::matching(tx, d.category, &format!("{} {}", d.subject, d.description)).await?;
    let (person, external, unit) = match &d.requester {
        Requester::Person(b) => (Some(b.id.0), None, b.unit_id.map(|u| u.0)),
        Requester::External { id, .. } => (None, Some(*id), None),
    };
    let delegation = match &d.requester {
        Requester::Person(b) => b.delegation_id.or(d.delegation),
        Requester::External { .. } => d.delegation,
    };
    let key = relais_core::text::search_key(&format!("{} {}", d.subject, d.description));
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO desk_tickets (subject, description, category, urgency, priority, status, channel,
            requester_person_id, requester_external_id, opened_by, unit_id, delegation_id, equipment, known_issue_id,
            first_response_due, resolution_due, search_key, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, 'new', $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $17) RETURNING id",
    )
    .bind(&d.subject)
    .bind(&d.description)
    .bind(d.category.as_str())
    .bind(d.urgency.as_str())
    .bind(priority.as_str())
    .bind(d.channel.as_str())
    .bind(person)
    .bind(external)
    .bind(d.opened_by.map(|p| p.0))
    .bind(unit)
    .bind(delegation.map(|d| d.0))
    .bind(&d.equipment)
    .bind(known.as_ref().map(|k| k.0))
    .bind(now.plus_secs(first * 60).0)
    .bind(now.plus_secs(resolution * 60).0)
    .bind(&key)
    .bind(now.0)
    .fetch_one(&mut **tx)
    .await
    .db()?;
    for u in uploads {
        attachments::store(tx, id, None, &u, now).await?;
    }
    audit::record(
        tx,
        now,
        actor,
        "desk.ticket.open",
        &format!("ticket:{id}"),
        serde_json::json!({ "category": d.category.as_str(), "channel": d.channel.as_str(), "known_issue": known.as_ref().map(|k| k.0) }),
    )
    .await
    .db()?;
    if d.channel != Channel::Mail || notices::may_acknowledge(tx, d.requester.email(), now).await? {
        notices::acknowledge(
            tx,
            desk,
            id,
            &d.subject,
            known.as_ref().map(|k| k.1.as_str()),
            now,
        )
        .await?;
    }
    Ok(id)
}

/// Opens a ticket on the web or through the API.
pub async fn create(
    desk: &Desk,
    p: &Principal,
    t: NewTicket,
    uploads: Vec<Upload>,
    channel: Channel,
) -> Result<i64> {
    let subject = required(&t.subject, "subject", 200)?;
    let description = required(&t.description, "description", 20_000)?;
    let category = parse_category(t.category.as_deref(), &format!("{subject} {description}"))?;
    let urgency = parse_urgency(t.urgency.as_deref())?;
    let equipment = t
        .equipment
        .as_deref()
        .map(|e| clean(e, "equipment", 200))
        .transpose()?
        .filter(|e| !e.is_empty());
    let now = desk.clock.now();
    let mut tx = desk.db.begin().await.db()?;
    let result = async {
        let requester_id = t.requester_person_id.map(PersonId).unwrap_or(p.person_id);
        let brief = match people::brief_in(&mut tx, requester_id).await {
            Ok(b) => b,
            Err(Error::NotFound) => {
                return Err(Error::invalid(
                    "requester_person_id",
                    "desk-error-unknown-person",
                ));
            }
            Err(e) => return Err(e),
        };
        if requester_id != p.person_id
            && !access::may_open_for(p, brief.unit_id, brief.delegation_id)
        {
            return Err(Error::Forbidden);
        }
        let draft = Draft {
            subject,
            description,
            category,
            urgency,
            channel,
            requester: Requester::Person(brief),
            opened_by: Some(p.person_id),
            delegation: p.delegation,
            equipment,
        };
        insert(&mut tx, desk, draft, uploads, Actor::of(p), now).await
    }
    .await;
    relais_db::finish(tx, result).await
}

pub(crate) async fn facts(db: &relais_db::Db, id: i64) -> Result<TicketFacts> {
    let row: Option<(Option<i64>, Option<i64>, Option<i64>, Option<i64>)> = sqlx::query_as(
        "SELECT requester_person_id, opened_by, unit_id, delegation_id FROM desk_tickets WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(db.pool())
    .await
    .db()?;
    let r = row.ok_or(Error::NotFound)?;
    Ok(TicketFacts {
        requester: r.0.map(PersonId),
        opened_by: r.1.map(PersonId),
        unit: r.2.map(UnitId),
        delegation: r.3.map(DelegationId),
    })
}

/// May `p` read ticket `id`? `NotFound` when it does not exist or they may not.
pub async fn access(desk: &Desk, p: &Principal, id: i64) -> Result<TicketAccess> {
    let f = facts(&desk.db, id).await?;
    TicketAccess::check(p, id, &f)
}

/// Time left before a target, in minutes (negative once missed).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Sla {
    pub first_response_due: String,
    pub resolution_due: String,
    /// Minutes left to answer first; absent once answered.
    pub first_response_minutes_left: Option<i64>,
    /// Minutes left to resolve; absent once resolved.
    pub resolution_minutes_left: Option<i64>,
    /// A target was missed (or met late).
    pub breached: bool,
}

impl Sla {
    fn compute(
        now: Timestamp,
        first_due: i64,
        res_due: i64,
        first_at: Option<i64>,
        resolved_at: Option<i64>,
    ) -> Sla {
        let left = |due: i64| (due - now.0).div_euclid(60_000_000);
        let breached = first_at.map_or(now.0 > first_due, |a| a > first_due)
            || resolved_at.map_or(now.0 > res_due, |a| a > res_due);
        Sla {
            first_response_due: Timestamp(first_due).rfc3339(),
            resolution_due: Timestamp(res_due).rfc3339(),
            first_response_minutes_left: first_at.is_none().then(|| left(first_due)),
            resolution_minutes_left: resolved_at.is_none().then(|| left(res_due)),
            breached,
        }
    }
}

/// One line of a ticket's thread.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Message {
    pub id: i64,
    pub kind: MessageKind,
    pub author: String,
    pub body: String,
    pub at: String,
    /// Mail from an address not on the ticket, waiting for IT staff.
    pub held: bool,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Ticket {
    pub id: i64,
    pub reference: String,
    pub subject: String,
    pub description: String,
    pub category: Category,
    pub urgency: Urgency,
    pub priority: Priority,
    pub status: Status,
    pub channel: Channel,
    pub requester_name: String,
    pub requester_email: Option<String>,
    pub requester_person_id: Option<i64>,
    pub requester_external_id: Option<i64>,
    pub organisation: Option<String>,
    pub opened_by: Option<i64>,
    pub assignee_id: Option<i64>,
    pub assignee_name: Option<String>,
    pub unit_id: Option<i64>,
    pub unit_code: Option<String>,
    pub delegation_id: Option<i64>,
    pub equipment: Option<String>,
    pub known_issue_id: Option<i64>,
    pub merged_into: Option<i64>,
    pub created_at: String,
    pub updated_at: String,
    pub first_response_at: Option<String>,
    pub resolved_at: Option<String>,
    pub closed_at: Option<String>,
    pub sla: Sla,
    pub messages: Vec<Message>,
    pub attachments: Vec<AttachmentInfo>,
}

const COLUMNS: &str = "t.id, t.subject, t.description, t.category, t.urgency, t.priority, t.status, t.channel,
    t.requester_person_id, t.requester_external_id, t.opened_by, t.assignee_id, t.unit_id, t.delegation_id, t.equipment,
    t.known_issue_id, t.merged_into, t.first_response_due, t.resolution_due, t.first_response_at, t.resolved_at,
    t.closed_at, t.created_at, t.updated_at,
    COALESCE(rp.first_name || ' ' || rp.last_name, x.name, ''), COALESCE(rp.email, x.email), x.organisation,
    ap.first_name || ' ' || ap.last_name, u.code";

const JOINS: &str = " FROM desk_tickets t
    LEFT JOIN people rp ON rp.id = t.requester_person_id
    LEFT JOIN desk_external_requesters x ON x.id = t.requester_external_id
    LEFT JOIN people ap ON ap.id = t.assignee_id
    LEFT JOIN units u ON u.id = t.unit_id";

type Row = (
    (i64, String, String, String, String, String, String, String),
    (
        Option<i64>,
        Option<i64>,
        Option<i64>,
        Option<i64>,
        Option<i64>,
        Option<i64>,
        Option<String>,
    ),
    (
        Option<i64>,
        Option<i64>,
        i64,
        i64,
        Option<i64>,
        Option<i64>,
        Option<i64>,
        i64,
        i64,
    ),
    (
        String,
        Option<String>,
        Option<String>,
        Option<String>,
        Option<String>,
    ),
);

fn row_from(r: &sqlx::any::AnyRow) -> std::result::Result<Row, sqlx::Error> {
    use sqlx::Row as _;
    Ok((
        (
            r.try_get(0)?,
            r.try_get(1)?,
            r.try_get(2)?,
            r.try_get(3)?,
            r.try_get(4)?,
            r.try_get(5)?,
            r.try_get(6)?,
            r.try_get(7)?,
        ),
        (
            r.try_get(8)?,
            r.try_get(9)?,
            r.try_get(10)?,
            r.try_get(11)?,
            r.try_get(12)?,
            r.try_get(13)?,
            r.try_get(14)?,
        ),
        (
            r.try_get(15)?,
            r.try_get(16)?,
            r.try_get(17)?,
            r.try_get(18)?,
            r.try_get(19)?,
            r.try_get(20)?,
            r.try_get(21)?,
            r.try_get(22)?,
            r.try_get(23)?,
        ),
        (
            r.try_get(24)?,
            r.try_get(25)?,
            r.try_get(26)?,
            r.try_get(27)?,
            r.try_get(28)?,
        ),
    ))
}

fn ticket_from(r: Row, now: Timestamp) -> Ticket {
    let (a, b, c, d) = r;
    let ts = |v: Option<i64>| v.map(|v| Timestamp(v).rfc3339());
    Ticket {
        id: a.0,
        reference: format!("#{}", a.0),
        subject: a.1,
        description: a.2,
        category: Category::parse(&a.3).unwrap_or(Category::Other),
        urgency: Urgency::parse(&a.4).unwrap_or(Urgency::Normal),
        priority: Priority::parse(&a.5).unwrap_or(Priority::Normal),
        status: Status::parse(&a.6).unwrap_or(Status::New),
        channel: Channel::parse(&a.7).unwrap_or(Channel::Web),
        requester_person_id: b.0,
        requester_external_id: b.1,
        opened_by: b.2,
        assignee_id: b.3,
        unit_id: b.4,
        delegation_id: b.5,
        equipment: b.6,
        known_issue_id: c.0,
        merged_into: c.1,
        sla: Sla::compute(now, c.2, c.3, c.4, c.5),
        first_response_at: ts(c.4),
        resolved_at: ts(c.5),
        closed_at: ts(c.6),
        created_at: Timestamp(c.7).rfc3339(),
        updated_at: Timestamp(c.8).rfc3339(),
        requester_name: d.0,
        requester_email: d.1,
        organisation: d.2,
        assignee_name: d.3,
        unit_code: d.4,
        messages: Vec::new(),
        attachments: Vec::new(),
    }
}

/// The ticket with the thread its reader may see.
pub async fn get(desk: &Desk, a: &TicketAccess) -> Result<Ticket> {
    let mut sql = SqlBuf::new("SELECT ");
    sql.push(COLUMNS)
        .push(JOINS)
        .push(" WHERE t.id = ")
        .bind(a.ticket);
    let row = sql
        .query()
        .fetch_optional(desk.db.pool())
        .await
        .db()?
        .ok_or(Error::NotFound)?;
    let mut t = ticket_from(row_from(&row).db()?, desk.clock.now());
    let mut m = SqlBuf::new(
        "SELECT m.id, m.kind, COALESCE(p.first_name || ' ' || p.last_name, x.name, m.author_email, ''), m.body, m.created_at,
                m.held_at, m.released_at
         FROM desk_messages m LEFT JOIN people p ON p.id = m.author_person_id
         LEFT JOIN desk_external_requesters x ON x.id = m.author_external_id
         WHERE m.ticket_id = ",
    );
    m.bind(a.ticket);
    if !a.sees_internal() {
        m.push(" AND m.kind <> 'internal' AND (m.held_at IS NULL OR m.released_at IS NOT NULL)");
    }
    m.push(" ORDER BY m.created_at, m.id");
    let rows: Vec<(i64, String, String, String, i64, Option<i64>, Option<i64>)> =
        m.query_as().fetch_all(desk.db.pool()).await.db()?;
    t.messages = rows
        .into_iter()
        .map(|r| Message {
            id: r.0,
            kind: MessageKind::parse(&r.1).unwrap_or(MessageKind::Event),
            author: r.2,
            body: r.3,
            at: Timestamp(r.4).rfc3339(),
            held: r.5.is_some() && r.6.is_none(),
        })
        .collect();
    t.attachments = attachments::list(&desk.db, a).await?;
    Ok(t)
}

/// Which tickets a list shows.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct TicketFilter {
    pub q: Option<String>,
    pub category: Option<Category>,
    pub status: Option<Status>,
    /// Only open tickets (not resolved nor closed).
    pub open: bool,
    pub delegation: Option<i64>,
    pub assignee: Option<i64>,
    pub unassigned: bool,
    /// Only the person's own requests.
    pub mine: bool,
    pub known_issue: Option<i64>,
    /// Only tickets past a target.
    pub breached: bool,
}

/// One line of a list.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TicketLine {
    pub id: i64,
    pub subject: String,
    pub category: Category,
    pub priority: Priority,
    pub status: Status,
    pub requester_name: String,
    pub assignee_name: Option<String>,
    pub unit_code: Option<String>,
    pub created_at: String,
    pub sla: Sla,
}

/// Tickets `p` may see, most urgent first for open ones.
pub async fn list(
    desk: &Desk,
    p: &Principal,
    f: &TicketFilter,
    page: PageRequest,
) -> Result<Page<TicketLine>> {
    let now = desk.clock.now();
    let filtered = |sql: &mut SqlBuf| {
        sql.push(" WHERE t.merged_into IS NULL");
        if f.mine {
            sql.push(" AND (t.requester_person_id = ")
                .bind(p.person_id.0)
                .push(" OR t.opened_by = ")
                .bind(p.person_id.0)
                .push(")");
        }
        access::visible_filter(p, sql);
        match_words(sql, f.q.as_deref());
        if let Some(c) = f.category {
            sql.push(" AND t.category = ").bind(c.as_str());
        }
        if let Some(s) = f.status {
            sql.push(" AND t.status = ").bind(s.as_str());
        }
        if f.open {
            sql.push(" AND t.status IN ('new', 'in_progress', 'waiting')");
        }
        if let Some(d) = f.delegation {
            sql.push(" AND t.delegation_id = ").bind(d);
        }
        if let Some(a) = f.assignee {
            sql.push(" AND t.assignee_id = ").bind(a);
        }
        if f.unassigned {
            sql.push(" AND t.assignee_id IS NULL");
        }
        if let Some(k) = f.known_issue {
            sql.push(" AND t.known_issue_id = ").bind(k);
        }
        if f.breached {
            sql.push(" AND ((t.first_response_at IS NULL AND t.first_response_due < ")
                .bind(now.0)
                .push(") OR t.first_response_at > t.first_response_due OR (t.resolved_at IS NULL AND t.resolution_due < ")
                .bind(now.0)
                .push(") OR t.resolved_at > t.resolution_due)");
        }
    };
    let mut count = SqlBuf::new("SELECT COUNT(*) FROM desk_tickets t");
    filtered(&mut count);
    let (total,): (i64,) = count.query_as().fetch_one(desk.db.pool()).await.db()?;
    let mut sql = SqlBuf::new("SELECT ");
    sql.push(COLUMNS).push(JOINS);
    filtered(&mut sql);
    sql.push(
        " ORDER BY CASE WHEN t.status IN ('new', 'in_progress', 'waiting') THEN 0 ELSE 1 END,
          CASE WHEN t.status IN ('new', 'in_progress', 'waiting') THEN t.resolution_due ELSE -t.created_at END, t.id DESC LIMIT ",
    )
    .bind(page.limit())
    .push(" OFFSET ")
    .bind(page.offset());
    let rows = sql.query().fetch_all(desk.db.pool()).await.db()?;
    let mut items = Vec::with_capacity(rows.len());
    for r in &rows {
        let t = ticket_from(row_from(r).db()?, now);
        items.push(TicketLine {
            id: t.id,
            subject: t.subject,
            category: t.category,
            priority: t.priority,
            status: t.status,
            requester_name: t.requester_name,
            assignee_name: t.assignee_name,
            unit_code: t.unit_code,
            created_at: t.created_at,
            sla: t.sla,
        });
    }
    Ok(Page {
        items,
        page: page.page,
        per_page: page.per_page,
        total: total as u64,
    })
}

/// Appends the words of `q` as conditions on the tickets' search key.
fn match_words(sql: &mut SqlBuf, q: Option<&str>) {
    use relais_core::text::{like_escape, search_words};
    for w in search_words(q.unwrap_or("")).into_iter().take(8) {
        sql.push(" AND t.search_key LIKE ")
            .bind(format!("%{}%", like_escape(&w)))
            .push(" ESCAPE '\\'");
    }
}

/// IT staff who can take tickets of a delegation, for the assignment menu.
pub async fn technicians(desk: &Desk, staff: &DeskStaff) -> Result<Vec<(i64, String)>> {
    let mut sql = SqlBuf::new(
        "SELECT DISTINCT p.id, p.first_name || ' ' || p.last_name FROM role_grants g JOIN people p ON p.id = g.person_id
         WHERE g.role IN ('it_staff', 'admin')",
    );
    if !staff.everywhere() {
        sql.push(" AND (g.scope_kind = 'institute' OR g.scope_id IN ")
            .bind_list(staff.delegations())
            .push(")");
    }
    sql.push(" ORDER BY 2 LIMIT 200");
    sql.query_as().fetch_all(desk.db.pool()).await.db()
}

/// Writes an event line into a ticket's thread.
pub(crate) async fn event(
    tx: &mut Tx,
    ticket: i64,
    author: Option<PersonId>,
    body: &str,
    now: Timestamp,
) -> Result<()> {
    sqlx::query("INSERT INTO desk_messages (ticket_id, kind, author_person_id, body, created_at) VALUES ($1, $2, $3, $4, $5)")
        .bind(ticket)
        .bind(MessageKind::Event.as_str())
        .bind(author.map(|p| p.0))
        .bind(body)
        .bind(now.0)
        .execute(&mut **tx)
        .await
        .db()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guesses_the_category_from_the_words() {
        assert_eq!(guess_category("Ma box ne marche plus"), Category::HomeBox);
        assert_eq!(guess_category("Le VPN refuse ma connexion"), Category::Vpn);
        assert_eq!(
            guess_category("Pas de son en visioconférence"),
            Category::Videoconf
        );
        assert_eq!(guess_category("mot de passe oublié"), Category::Account);
        assert_eq!(guess_category("bonjour"), Category::Other);
    }

    #[test]
    fn sla_counts_minutes_left_and_breaches() {
        let now = Timestamp(10 * 60_000_000);
        let s = Sla::compute(now, 15 * 60_000_000, 5 * 60_000_000, None, None);
        assert_eq!(s.first_response_minutes_left, Some(5));
        assert_eq!(s.resolution_minutes_left, Some(-5));
        assert!(s.breached);
        let s = Sla::compute(now, 15 * 60_000_000, 60 * 60_000_000, Some(1), None);
        assert_eq!(s.first_response_minutes_left, None);
        assert!(!s.breached);
    }
}
