-- The directory: institute, delegations, units, teams, sites, people, and
-- the accounts, roles and tokens that let people act.

CREATE TABLE institute (
    id BIGINT PRIMARY KEY,
    name TEXT NOT NULL,
    time_zone TEXT NOT NULL
);

CREATE TABLE delegations (
    id {id},
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL
);

CREATE TABLE units (
    id {id},
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    delegation_id BIGINT NOT NULL REFERENCES delegations (id),
    search_key TEXT NOT NULL
);
CREATE INDEX units_delegation ON units (delegation_id);

CREATE TABLE unit_partners (
    unit_id BIGINT NOT NULL REFERENCES units (id) ON DELETE CASCADE,
    partner TEXT NOT NULL,
    PRIMARY KEY (unit_id, partner)
);

CREATE TABLE teams (
    id {id},
    unit_id BIGINT NOT NULL REFERENCES units (id),
    name TEXT NOT NULL,
    UNIQUE (unit_id, name)
);

CREATE TABLE sites (
    id {id},
    delegation_id BIGINT NOT NULL REFERENCES delegations (id),
    name TEXT NOT NULL,
    city TEXT NOT NULL,
    UNIQUE (delegation_id, name)
);

CREATE TABLE buildings (
    id {id},
    site_id BIGINT NOT NULL REFERENCES sites (id),
    name TEXT NOT NULL,
    UNIQUE (site_id, name)
);

CREATE TABLE people (
    id {id},
    employee_number TEXT NOT NULL UNIQUE,
    email TEXT NOT NULL UNIQUE,
    first_name TEXT NOT NULL,
    last_name TEXT NOT NULL,
    -- Empty only for accounts made by hand before any import (a first admin).
    unit_id BIGINT REFERENCES units (id),
    team_id BIGINT REFERENCES teams (id),
    manager_id BIGINT REFERENCES people (id),
    job_category TEXT,
    phd_supervisor_id BIGINT REFERENCES people (id),
    language TEXT,
    site_id BIGINT REFERENCES sites (id),
    building_id BIGINT REFERENCES buildings (id),
    search_key TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX people_unit ON people (unit_id);
CREATE INDEX people_manager ON people (manager_id);
CREATE INDEX people_supervisor ON people (phd_supervisor_id);
CREATE INDEX people_name ON people (last_name, first_name);

CREATE TABLE accounts (
    person_id BIGINT PRIMARY KEY REFERENCES people (id),
    password_hash TEXT,
    disabled_at BIGINT,
    created_at BIGINT NOT NULL,
    password_changed_at BIGINT
);

CREATE TABLE role_grants (
    id {id},
    person_id BIGINT NOT NULL REFERENCES people (id),
    role TEXT NOT NULL,
    scope_kind TEXT NOT NULL,
    scope_id BIGINT,
    granted_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX role_grants_unique ON role_grants (person_id, role, scope_kind, COALESCE(scope_id, 0));

CREATE TABLE api_tokens (
    id {id},
    person_id BIGINT NOT NULL REFERENCES people (id),
    token_hash TEXT NOT NULL UNIQUE,
    label TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    revoked_at BIGINT,
    last_used_at BIGINT
);

CREATE TABLE password_resets (
    token_hash TEXT PRIMARY KEY,
    person_id BIGINT NOT NULL REFERENCES people (id),
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at BIGINT
);
