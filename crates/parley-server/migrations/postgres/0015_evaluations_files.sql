-- Satisfaction evaluations: at most one per conversation (the primary key makes a
-- second submit a no-op the service answers with the first). `tags` is a JSON array of
-- strings; `solved` is NULL when not asked, else 0/1. The same evaluation is also kept
-- as a system message (`SystemEvent::Evaluated`) in the conversation's history.
CREATE TABLE evaluations (
    conversation_id TEXT PRIMARY KEY REFERENCES conversations(id),
    sysnum          TEXT NOT NULL,
    visitor_id      TEXT NOT NULL,
    agent_id        TEXT,
    kind            TEXT NOT NULL,
    score           BIGINT NOT NULL,
    tags            TEXT NOT NULL,
    solved          BIGINT,
    comment         TEXT NOT NULL,
    created_at      BIGINT NOT NULL
);
CREATE INDEX evaluations_tenant ON evaluations (sysnum, created_at);
-- Helpful / not helpful marks on bot answers, one per bot message.
CREATE TABLE bot_feedback (
    conversation_id TEXT NOT NULL REFERENCES conversations(id),
    seq             BIGINT NOT NULL,
    helpful         BIGINT NOT NULL,
    created_at      BIGINT NOT NULL,
    PRIMARY KEY (conversation_id, seq)
);
-- Files that are not pictures (PDF, Office, text, ZIP) in conversations: the message's
-- `file` holds the JSON of parley_protocol::api::FileRef; the stored file keeps its
-- cleaned name for the download's Content-Disposition.
ALTER TABLE messages ADD COLUMN file TEXT;
ALTER TABLE chat_files ADD COLUMN name TEXT;
-- The leave-message link's `source` (channel code; the spec fixes 9 for the standalone
-- page) and its opaque `t`, kept on the ticket for agents.
ALTER TABLE tickets ADD COLUMN channel BIGINT;
ALTER TABLE tickets ADD COLUMN link_t TEXT;
