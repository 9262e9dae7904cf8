-- The training office: courses (the offer), their sessions, registrations
-- with waitlists and timed offers, and each person's private calendar feed.

CREATE TABLE courses (
    id {id},
    title TEXT NOT NULL,
    summary TEXT NOT NULL,
    objectives TEXT NOT NULL,
    audience TEXT NOT NULL,
    format TEXT NOT NULL,
    duration_minutes BIGINT,
    themes TEXT NOT NULL,
    owner_delegation_id BIGINT REFERENCES delegations (id),
    link TEXT,
    provider TEXT,
    effort_minutes BIGINT,
    search_key TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE course_recommendations (
    course_id BIGINT NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
    delegation_id BIGINT NOT NULL REFERENCES delegations (id),
    PRIMARY KEY (course_id, delegation_id)
);

-- An agent's record that they followed an e-learning module or a MOOC.
CREATE TABLE course_completions (
    course_id BIGINT NOT NULL REFERENCES courses (id),
    person_id BIGINT NOT NULL REFERENCES people (id),
    completed_at BIGINT NOT NULL,
    PRIMARY KEY (course_id, person_id)
);

CREATE TABLE training_sessions (
    id {id},
    course_id BIGINT NOT NULL REFERENCES courses (id),
    starts_at BIGINT NOT NULL,
    ends_at BIGINT NOT NULL,
    site_id BIGINT REFERENCES sites (id),
    venue_address TEXT,
    video_link TEXT,
    trainers TEXT NOT NULL,
    capacity BIGINT NOT NULL,
    registration_opens_at BIGINT NOT NULL,
    registration_closes_at BIGINT NOT NULL,
    audience TEXT NOT NULL,
    approval TEXT NOT NULL,
    waitlist_mode TEXT NOT NULL,
    offer_hours BIGINT NOT NULL,
    status TEXT NOT NULL,
    delegation_id BIGINT REFERENCES delegations (id),
    ics_sequence BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX training_sessions_course ON training_sessions (course_id, starts_at);
CREATE INDEX training_sessions_starts ON training_sessions (starts_at);

-- Who may register when a session is not open to everyone: delegations or units.
CREATE TABLE session_audience (
    session_id BIGINT NOT NULL REFERENCES training_sessions (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    target_id BIGINT NOT NULL,
    PRIMARY KEY (session_id, kind, target_id)
);

CREATE TABLE registrations (
    id {id},
    session_id BIGINT NOT NULL REFERENCES training_sessions (id),
    person_id BIGINT NOT NULL REFERENCES people (id),
    status TEXT NOT NULL,
    -- Order on the waitlist (and of arrival): earlier first.
    queued_at BIGINT NOT NULL,
    offer_expires_at BIGINT,
    decided_by BIGINT REFERENCES people (id),
    decision_comment TEXT,
    over_capacity_reason TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    -- An active registration (not cancelled or refused) is unique per person and session.
    active_key TEXT UNIQUE
);
CREATE INDEX registrations_session ON registrations (session_id, status, queued_at);
CREATE INDEX registrations_person ON registrations (person_id);

CREATE TABLE calendar_feeds (
    person_id BIGINT PRIMARY KEY REFERENCES people (id),
    token_hash TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL
);
