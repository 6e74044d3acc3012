-- Visitors on pages where agents may invite them to chat (the spec's invite_flag), one row
-- per visitor: the page they are on, when their page last said so (the loader's visitor
-- frame repeats it every few seconds; rows older than half a minute are not listed), and
-- an agent's pending invitation, taken by the page's next report. `page` holds the JSON
-- of parley_protocol::api::VisitPage.
CREATE TABLE browsing (
    visitor_id  TEXT PRIMARY KEY REFERENCES visitors(id),
    sysnum      TEXT NOT NULL,
    page        TEXT NOT NULL,
    last_seen   BIGINT NOT NULL,
    invited_by  TEXT,
    invite_text TEXT,
    invited_at  BIGINT
);
CREATE INDEX browsing_sysnum ON browsing (sysnum, last_seen);
