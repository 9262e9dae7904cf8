-- Platform tables: jobs, web sessions, the audit chain, running instances,
-- sign-in throttling. Tokens in braces are replaced per backend (see migrate.rs).

CREATE TABLE jobs (
    id {id},
    kind TEXT NOT NULL,
    queue TEXT NOT NULL DEFAULT 'default',
    priority BIGINT NOT NULL DEFAULT 0,
    payload TEXT NOT NULL,
    dedup_key TEXT UNIQUE,
    state TEXT NOT NULL DEFAULT 'queued',
    attempts BIGINT NOT NULL DEFAULT 0,
    max_attempts BIGINT NOT NULL DEFAULT 8,
    run_at BIGINT NOT NULL,
    locked_by TEXT,
    locked_until BIGINT,
    last_error TEXT,
    created_at BIGINT NOT NULL,
    finished_at BIGINT
);
CREATE INDEX jobs_ready ON jobs (state, queue, run_at, priority);

CREATE TABLE web_sessions (
    id TEXT PRIMARY KEY,
    person_id BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX web_sessions_person ON web_sessions (person_id);

CREATE TABLE audit_log (
    id {id},
    at BIGINT NOT NULL,
    actor_person_id BIGINT,
    actor_token_id BIGINT,
    action TEXT NOT NULL,
    target TEXT NOT NULL,
    details TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);

-- One row: the hash of the last audit entry. Updating it in the same
-- transaction serialises writers, so the chain never forks.
CREATE TABLE audit_head (
    id BIGINT PRIMARY KEY,
    last_id BIGINT NOT NULL,
    last_hash TEXT NOT NULL
);
INSERT INTO audit_head (id, last_id, last_hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

CREATE TABLE instances (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    host TEXT NOT NULL,
    started_at BIGINT NOT NULL,
    heartbeat_at BIGINT NOT NULL
);

CREATE TABLE sign_in_failures (
    key TEXT PRIMARY KEY,
    failures BIGINT NOT NULL,
    window_start BIGINT NOT NULL,
    locked_until BIGINT
);
