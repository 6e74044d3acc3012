-- Tickets (leave-message submissions), their agent replies and their attachments.
-- Portable types as in 0002 (TEXT, BIGINT, times as Unix ms); attachment bytes live in
-- the database (BLOB here, BYTEA on PostgreSQL) so every instance sees the same files.

CREATE TABLE tickets (
    id               TEXT PRIMARY KEY,
    sysnum           TEXT NOT NULL,
    -- The number the visitor sees, per tenant, from 1.
    number           BIGINT NOT NULL,
    visitor_id       TEXT NOT NULL REFERENCES visitors(id),
    template_id      TEXT NOT NULL,
    group_id         TEXT,
    -- 'leave_message' or 'ticket_plugin'
    source           TEXT NOT NULL,
    -- 'open', 'replied' or 'closed'
    status           TEXT NOT NULL,
    content          TEXT NOT NULL,
    -- JSON array of ticket::FilledField (labels as they were when submitted).
    fields           TEXT NOT NULL,
    tel              TEXT,
    email            TEXT,
    -- JSON object of the declared docking fields from the plug-in's params.
    docking          TEXT NOT NULL,
    -- Replies newer than this are unread by the visitor (leaveToTicket).
    visitor_read_at  BIGINT NOT NULL,
    created_at       BIGINT NOT NULL,
    updated_at       BIGINT NOT NULL,
    closed_at        BIGINT
);
CREATE UNIQUE INDEX tickets_number ON tickets (sysnum, number);
CREATE INDEX tickets_visitor ON tickets (visitor_id, created_at);
CREATE INDEX tickets_list ON tickets (sysnum, status, created_at);

CREATE TABLE ticket_replies (
    ticket_id   TEXT NOT NULL REFERENCES tickets(id),
    seq         BIGINT NOT NULL,
    agent_id    TEXT NOT NULL,
    agent_name  TEXT NOT NULL,
    body        TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    PRIMARY KEY (ticket_id, seq)
);

CREATE TABLE ticket_attachments (
    ticket_id     TEXT NOT NULL REFERENCES tickets(id),
    idx           BIGINT NOT NULL,
    name          TEXT NOT NULL,
    -- The type the content check found, not the one the browser claimed.
    content_type  TEXT NOT NULL,
    size          BIGINT NOT NULL,
    data          BLOB NOT NULL,
    PRIMARY KEY (ticket_id, idx)
);
