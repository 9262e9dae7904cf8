-- The IT service desk: tickets and their thread, attachments, SLA targets,
-- external requesters and the hotline's call log, the knowledge base with its
-- own inverted index, known issues, remote sessions and on-site visits, the
-- public form's rate limits and the external requesters' follow links.

CREATE TABLE desk_settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
INSERT INTO desk_settings (key, value) VALUES ('autoclose_days', '7');

-- Targets in minutes; category '*' is the default for a priority.
CREATE TABLE desk_sla (
    category TEXT NOT NULL,
    priority TEXT NOT NULL,
    first_response_minutes BIGINT NOT NULL,
    resolution_minutes BIGINT NOT NULL,
    PRIMARY KEY (category, priority)
);
INSERT INTO desk_sla (category, priority, first_response_minutes, resolution_minutes) VALUES
    ('*', 'critical', 60, 480),
    ('*', 'high', 240, 1440),
    ('*', 'normal', 480, 4320),
    ('*', 'low', 1440, 10080),
    ('vpn', 'high', 120, 480),
    ('national_app', 'high', 60, 480),
    ('national_app', 'normal', 240, 1440);

CREATE TABLE desk_external_requesters (
    id {id},
    name TEXT NOT NULL,
    email TEXT,
    phone TEXT,
    organisation TEXT,
    created_at BIGINT NOT NULL
);
CREATE INDEX desk_external_email ON desk_external_requesters (email);

CREATE TABLE desk_known_issues (
    id {id},
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    category TEXT,
    -- Comma-separated phrases; a ticket matches when it holds every word of one.
    keywords TEXT NOT NULL,
    status TEXT NOT NULL,
    published_by BIGINT REFERENCES people (id),
    created_at BIGINT NOT NULL,
    resolved_at BIGINT,
    resolution TEXT
);

CREATE TABLE desk_tickets (
    id {id},
    subject TEXT NOT NULL,
    description TEXT NOT NULL,
    category TEXT NOT NULL,
    urgency TEXT NOT NULL,
    priority TEXT NOT NULL,
    status TEXT NOT NULL,
    channel TEXT NOT NULL,
    requester_person_id BIGINT REFERENCES people (id),
    requester_external_id BIGINT REFERENCES desk_external_requesters (id),
    opened_by BIGINT REFERENCES people (id),
    assignee_id BIGINT REFERENCES people (id),
    unit_id BIGINT REFERENCES units (id),
    delegation_id BIGINT REFERENCES delegations (id),
    equipment TEXT,
    known_issue_id BIGINT REFERENCES desk_known_issues (id),
    merged_into BIGINT REFERENCES desk_tickets (id),
    first_response_due BIGINT NOT NULL,
    resolution_due BIGINT NOT NULL,
    first_response_at BIGINT,
    resolved_at BIGINT,
    closed_at BIGINT,
    search_key TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX desk_tickets_queue ON desk_tickets (delegation_id, status, created_at);
CREATE INDEX desk_tickets_requester ON desk_tickets (requester_person_id, created_at);
CREATE INDEX desk_tickets_unit ON desk_tickets (unit_id, status);
CREATE INDEX desk_tickets_resolved ON desk_tickets (status, resolved_at);
CREATE INDEX desk_tickets_known_issue ON desk_tickets (known_issue_id);

-- The thread: public replies, internal notes, mail that came in, and events.
CREATE TABLE desk_messages (
    id {id},
    ticket_id BIGINT NOT NULL REFERENCES desk_tickets (id),
    kind TEXT NOT NULL,
    author_person_id BIGINT REFERENCES people (id),
    author_external_id BIGINT REFERENCES desk_external_requesters (id),
    author_email TEXT,
    body TEXT NOT NULL,
    -- Mail from an address not on the ticket waits here until IT staff release it.
    held_at BIGINT,
    released_at BIGINT,
    created_at BIGINT NOT NULL
);
CREATE INDEX desk_messages_ticket ON desk_messages (ticket_id, created_at);

-- Every Message-ID we sent or took in, for threading replies.
CREATE TABLE desk_mail_ids (
    message_id TEXT PRIMARY KEY,
    ticket_id BIGINT NOT NULL REFERENCES desk_tickets (id),
    outbound BIGINT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE desk_attachments (
    id {id},
    ticket_id BIGINT NOT NULL REFERENCES desk_tickets (id),
    message_id BIGINT REFERENCES desk_messages (id),
    file_name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size BIGINT NOT NULL,
    data {blob} NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX desk_attachments_ticket ON desk_attachments (ticket_id);

CREATE TABLE desk_articles (
    id {id},
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    category TEXT NOT NULL,
    audience TEXT NOT NULL,
    status TEXT NOT NULL,
    review_at BIGINT,
    source_ticket_id BIGINT REFERENCES desk_tickets (id),
    author_id BIGINT REFERENCES people (id),
    -- Indexed terms in the article (title terms count three times).
    length BIGINT NOT NULL,
    helpful BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX desk_articles_status ON desk_articles (status, audience);

-- The knowledge base's inverted index: one row per term per published
-- article, with what ranking needs (the article's audience level and length)
-- so that a search reads the index alone, best weights first.
CREATE TABLE desk_article_terms (
    term TEXT NOT NULL,
    article_id BIGINT NOT NULL REFERENCES desk_articles (id),
    weight BIGINT NOT NULL,
    -- The term's first three characters: a prefix lookup by equality, so
    -- that suggestions while typing use an index whatever the collation.
    prefix TEXT NOT NULL,
    -- 0 public, 1 agents, 2 IT staff: a reader sees levels up to theirs.
    level BIGINT NOT NULL,
    length BIGINT NOT NULL,
    PRIMARY KEY (term, article_id)
);
CREATE INDEX desk_article_terms_article ON desk_article_terms (article_id);
CREATE INDEX desk_article_terms_rank ON desk_article_terms (term, weight, article_id, level, length);
CREATE INDEX desk_article_terms_prefix ON desk_article_terms (prefix, weight, article_id, level, length);

-- How many published articles of each audience level hold a term, kept
-- with the index, so that a search reads one row per term for it.
CREATE TABLE desk_kb_df (
    term TEXT NOT NULL,
    level BIGINT NOT NULL,
    prefix TEXT NOT NULL,
    df BIGINT NOT NULL,
    PRIMARY KEY (term, level)
);
CREATE INDEX desk_kb_df_prefix ON desk_kb_df (prefix);

-- Published articles and their total length per audience level, kept with
-- the articles, for BM25's document count and mean length.
CREATE TABLE desk_kb_stats (
    level BIGINT PRIMARY KEY,
    articles BIGINT NOT NULL,
    length BIGINT NOT NULL
);

-- "This answered my question": each one is a ticket avoided.
CREATE TABLE desk_avoided (
    id {id},
    article_id BIGINT NOT NULL REFERENCES desk_articles (id),
    person_id BIGINT REFERENCES people (id),
    at BIGINT NOT NULL
);
CREATE INDEX desk_avoided_at ON desk_avoided (at);

CREATE TABLE desk_calls (
    id {id},
    requester_person_id BIGINT REFERENCES people (id),
    requester_external_id BIGINT REFERENCES desk_external_requesters (id),
    agent_id BIGINT NOT NULL REFERENCES people (id),
    at BIGINT NOT NULL,
    about TEXT NOT NULL,
    urgency TEXT NOT NULL,
    ticket_id BIGINT REFERENCES desk_tickets (id),
    callback_due BIGINT,
    callback_done_at BIGINT
);
CREATE INDEX desk_calls_callback ON desk_calls (callback_done_at, callback_due);

CREATE TABLE desk_remote_sessions (
    id {id},
    ticket_id BIGINT NOT NULL REFERENCES desk_tickets (id),
    tool TEXT NOT NULL,
    code TEXT NOT NULL,
    consent_at BIGINT NOT NULL,
    started_at BIGINT NOT NULL,
    ended_at BIGINT,
    technician_id BIGINT NOT NULL REFERENCES people (id),
    created_at BIGINT NOT NULL
);
CREATE INDEX desk_remote_sessions_start ON desk_remote_sessions (started_at);

CREATE TABLE desk_visits (
    id {id},
    ticket_id BIGINT NOT NULL REFERENCES desk_tickets (id),
    site TEXT NOT NULL,
    visit_at BIGINT NOT NULL,
    done TEXT NOT NULL,
    technician_id BIGINT NOT NULL REFERENCES people (id),
    created_at BIGINT NOT NULL
);
CREATE INDEX desk_visits_at ON desk_visits (visit_at);

-- Counters of the public form, shared by every instance.
CREATE TABLE desk_rate_limits (
    key TEXT PRIMARY KEY,
    window_start BIGINT NOT NULL,
    hits BIGINT NOT NULL
);

-- Proof-of-work challenges already spent (kept until they expire).
CREATE TABLE desk_spent_challenges (
    hash TEXT PRIMARY KEY,
    expires_at BIGINT NOT NULL
);

-- Links external requesters follow their ticket through; a link is spent
-- when opened and becomes a cookie for that ticket only.
CREATE TABLE desk_follow_links (
    token_hash TEXT PRIMARY KEY,
    ticket_id BIGINT NOT NULL REFERENCES desk_tickets (id),
    kind TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at BIGINT
);
