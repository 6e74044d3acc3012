-- Reports (issue 20): the questions the bot could not answer, and indexes for the
-- reports' range reads of a tenant.

-- One row per unknown answer: the visitor's question as typed and as the bot
-- normalises it, so the reports group equal questions.
CREATE TABLE bot_unknowns (
    id               BIGSERIAL PRIMARY KEY,
    sysnum           TEXT NOT NULL,
    conversation_id  TEXT NOT NULL REFERENCES conversations(id),
    question         TEXT NOT NULL,
    normalized       TEXT NOT NULL,
    created_at       BIGINT NOT NULL
);
CREATE INDEX bot_unknowns_tenant ON bot_unknowns (sysnum, created_at);

CREATE INDEX conversations_started ON conversations (sysnum, created_at);
CREATE INDEX tickets_created ON tickets (sysnum, created_at);
CREATE INDEX tickets_closed ON tickets (sysnum, closed_at);
