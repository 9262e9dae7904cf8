-- The training office in a crisis: outside providers and their contracts
-- (with cancellation terms), single-purpose links for providers, the annual
-- plan and its periods, and disruptions (cancel, move online, postpone,
-- reschedule sessions in bulk) with what they changed and what they cost.

-- A session moved online keeps its course but is given as a webinar.
ALTER TABLE training_sessions ADD COLUMN mode TEXT;

-- Outside trainers, venues and hotels. `email` is where notices go.
CREATE TABLE training_providers (
    id {id},
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    contact_name TEXT,
    email TEXT NOT NULL,
    phone TEXT,
    language TEXT,
    -- Where a venue or hotel is, and how many a venue seats (for the planner).
    delegation_id BIGINT REFERENCES delegations (id),
    seats BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

-- A contract line: a fee, a room hire, a block of hotel rooms. `terms` is the
-- cancellation schedule as JSON, steps by days before the session, e.g.
-- [{"until_days_before":30,"percent":0},{"until_days_before":7,"percent":50}];
-- closer than the last step, the whole amount is owed.
CREATE TABLE training_contracts (
    id {id},
    provider_id BIGINT NOT NULL REFERENCES training_providers (id),
    label TEXT NOT NULL,
    amount_cents BIGINT NOT NULL,
    budget_line TEXT NOT NULL,
    terms TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX training_contracts_provider ON training_contracts (provider_id);

CREATE TABLE training_contract_sessions (
    contract_id BIGINT NOT NULL REFERENCES training_contracts (id) ON DELETE CASCADE,
    session_id BIGINT NOT NULL REFERENCES training_sessions (id),
    PRIMARY KEY (contract_id, session_id)
);
CREATE INDEX training_contract_sessions_session ON training_contract_sessions (session_id);

-- An expiring, single-purpose link a provider acts through without an account.
CREATE TABLE training_provider_links (
    id {id},
    provider_id BIGINT NOT NULL REFERENCES training_providers (id),
    purpose TEXT NOT NULL,
    disruption_id BIGINT,
    token_hash TEXT NOT NULL UNIQUE,
    expires_at BIGINT NOT NULL,
    used_at BIGINT,
    created_at BIGINT NOT NULL
);

-- What a provider said through a link: availability per month, new dates.
CREATE TABLE training_provider_availability (
    provider_id BIGINT NOT NULL REFERENCES training_providers (id),
    month TEXT NOT NULL,
    available BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (provider_id, month)
);

CREATE TABLE training_provider_proposals (
    id {id},
    provider_id BIGINT NOT NULL REFERENCES training_providers (id),
    session_id BIGINT NOT NULL REFERENCES training_sessions (id),
    starts_at BIGINT NOT NULL,
    created_at BIGINT NOT NULL
);

-- The annual training plan and its periods (semesters). Volumes are planned
-- per course, delegation and period.
CREATE TABLE training_plans (
    id {id},
    name TEXT NOT NULL,
    starts_at BIGINT NOT NULL,
    ends_at BIGINT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE training_plan_periods (
    id {id},
    plan_id BIGINT NOT NULL REFERENCES training_plans (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    starts_at BIGINT NOT NULL,
    ends_at BIGINT NOT NULL,
    -- How many trainee-days the period can still take.
    capacity_days BIGINT NOT NULL
);

CREATE TABLE training_plan_lines (
    period_id BIGINT NOT NULL REFERENCES training_plan_periods (id) ON DELETE CASCADE,
    course_id BIGINT NOT NULL REFERENCES courses (id),
    delegation_id BIGINT REFERENCES delegations (id),
    sessions BIGINT NOT NULL,
    trainee_days BIGINT NOT NULL,
    budget_cents BIGINT NOT NULL
);
CREATE INDEX training_plan_lines_period ON training_plan_lines (period_id);

-- A bulk change to sessions. Notices leave at `send_at`; until then it can be undone.
CREATE TABLE training_disruptions (
    id {id},
    created_by BIGINT REFERENCES people (id),
    created_at BIGINT NOT NULL,
    selection TEXT NOT NULL,
    status TEXT NOT NULL,
    send_at BIGINT NOT NULL,
    sent_at BIGINT,
    undone_at BIGINT,
    cost_cents BIGINT NOT NULL
);

-- Each session it changed, with the session as it was (to undo) and what was done.
CREATE TABLE training_disruption_items (
    disruption_id BIGINT NOT NULL REFERENCES training_disruptions (id),
    session_id BIGINT NOT NULL REFERENCES training_sessions (id),
    action TEXT NOT NULL,
    before TEXT NOT NULL,
    PRIMARY KEY (disruption_id, session_id)
);
CREATE INDEX training_disruption_items_session ON training_disruption_items (session_id);

-- What each released contract costs under its terms on the day of the disruption.
CREATE TABLE training_disruption_costs (
    disruption_id BIGINT NOT NULL REFERENCES training_disruptions (id),
    contract_id BIGINT NOT NULL REFERENCES training_contracts (id),
    session_id BIGINT NOT NULL REFERENCES training_sessions (id),
    days_before BIGINT NOT NULL,
    percent BIGINT NOT NULL,
    cost_cents BIGINT NOT NULL,
    PRIMARY KEY (disruption_id, contract_id, session_id)
);

-- The willingness survey: month by month, would agents travel to
-- headquarters, within their region, or only follow online?
CREATE TABLE training_surveys (
    id {id},
    title TEXT NOT NULL,
    -- JSON list of months, `YYYY-MM`.
    months TEXT NOT NULL,
    created_by BIGINT REFERENCES people (id),
    created_at BIGINT NOT NULL,
    closes_at BIGINT NOT NULL
);

-- Who is asked: the delegations listed (none listed: everyone).
CREATE TABLE training_survey_delegations (
    survey_id BIGINT NOT NULL REFERENCES training_surveys (id) ON DELETE CASCADE,
    delegation_id BIGINT NOT NULL REFERENCES delegations (id),
    PRIMARY KEY (survey_id, delegation_id)
);

CREATE TABLE training_survey_answers (
    survey_id BIGINT NOT NULL REFERENCES training_surveys (id) ON DELETE CASCADE,
    person_id BIGINT NOT NULL REFERENCES people (id),
    -- The person's delegation when they answered, for the tallies.
    delegation_id BIGINT REFERENCES delegations (id),
    month TEXT NOT NULL,
    answer TEXT NOT NULL,
    answered_at BIGINT NOT NULL,
    PRIMARY KEY (survey_id, person_id, month)
);
CREATE INDEX training_survey_answers_tally ON training_survey_answers (survey_id, delegation_id, month);
-- A person's latest answer for a month, across surveys, is the one that counts.
CREATE INDEX training_survey_answers_person ON training_survey_answers (person_id, month, answered_at);

-- A re-plan: the planner's proposals for postponed sessions, each accepted,
-- adjusted or rejected by the office.
CREATE TABLE training_replans (
    id {id},
    plan_id BIGINT NOT NULL REFERENCES training_plans (id),
    created_by BIGINT REFERENCES people (id),
    created_at BIGINT NOT NULL,
    objective DOUBLE PRECISION NOT NULL,
    bound DOUBLE PRECISION NOT NULL,
    gap DOUBLE PRECISION NOT NULL,
    method TEXT NOT NULL,
    millis BIGINT NOT NULL
);

CREATE TABLE training_proposals (
    id {id},
    replan_id BIGINT NOT NULL REFERENCES training_replans (id),
    session_id BIGINT NOT NULL REFERENCES training_sessions (id),
    -- Null when the session could not be placed; `reasons` says why.
    starts_at BIGINT,
    ends_at BIGINT,
    reasons TEXT NOT NULL,
    status TEXT NOT NULL,
    decided_by BIGINT REFERENCES people (id),
    decided_at BIGINT
);
CREATE INDEX training_proposals_replan ON training_proposals (replan_id);
