-- Conversations, messages, sessions, page tokens, agent statuses.
-- Portable types only (TEXT, BIGINT; flags as 0/1 BIGINT; times as Unix ms) so that
-- the same queries run through sqlx's Any driver on SQLite and PostgreSQL.

-- The CRM profile (JSON of api::VisitorProfile fields) kept up to date at each init.
ALTER TABLE visitors ADD COLUMN profile TEXT NOT NULL DEFAULT '{}';

CREATE TABLE conversations (
    id               TEXT PRIMARY KEY,
    sysnum           TEXT NOT NULL,
    visitor_id       TEXT NOT NULL REFERENCES visitors(id),
    state            TEXT NOT NULL,
    group_id         TEXT,
    agent_id         TEXT,
    -- The highest seq stored; bumped in the same transaction as each insert.
    last_seq         BIGINT NOT NULL DEFAULT 0,
    -- Everything up to this seq has been seen by the visitor.
    visitor_read_seq BIGINT NOT NULL DEFAULT 0,
    queued_at        BIGINT,
    end_reason       TEXT,
    created_at       BIGINT NOT NULL,
    updated_at       BIGINT NOT NULL,
    ended_at         BIGINT
);
CREATE INDEX conversations_visitor ON conversations (visitor_id, created_at);
CREATE INDEX conversations_queue ON conversations (sysnum, state, queued_at);
CREATE INDEX conversations_agent ON conversations (sysnum, agent_id, state);

CREATE TABLE messages (
    conversation_id  TEXT NOT NULL REFERENCES conversations(id),
    seq              BIGINT NOT NULL,
    client_id        TEXT,
    sender           TEXT NOT NULL,
    sender_id        TEXT,
    sender_name      TEXT,
    kind             TEXT NOT NULL,
    body             TEXT NOT NULL,
    -- JSON of api::SystemEvent for system messages.
    event            TEXT,
    created_at       BIGINT NOT NULL,
    PRIMARY KEY (conversation_id, seq)
);
CREATE UNIQUE INDEX messages_client ON messages (conversation_id, sender, client_id)
    WHERE client_id IS NOT NULL;

CREATE TABLE sessions (
    token            TEXT PRIMARY KEY,
    -- 'visitor' or 'agent'
    kind             TEXT NOT NULL,
    sysnum           TEXT NOT NULL,
    -- The visitor id or the agent id.
    subject          TEXT NOT NULL,
    conversation_id  TEXT,
    created_at       BIGINT NOT NULL,
    expires_at       BIGINT NOT NULL
);
CREATE INDEX sessions_expiry ON sessions (expires_at);

CREATE TABLE page_tokens (
    token              TEXT PRIMARY KEY,
    sysnum             TEXT NOT NULL,
    partnerid          TEXT NOT NULL,
    -- The spec's ts, in Unix seconds.
    expires_at_s       BIGINT NOT NULL,
    customized_fields  TEXT,
    source             BIGINT,
    channel_flag       BIGINT,
    created_at         BIGINT NOT NULL
);

CREATE TABLE agent_status (
    sysnum      TEXT NOT NULL,
    agent_id    TEXT NOT NULL,
    status      TEXT NOT NULL,
    updated_at  BIGINT NOT NULL,
    PRIMARY KEY (sysnum, agent_id)
);
