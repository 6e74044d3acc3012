-- One-time WebSocket tickets: a client trades its session token (in a header) for a
-- ticket it puts in the socket's URL. `ticket` and `session` are digests
-- (crate::auth::token_digest); a ticket is deleted when used, and by the sweep when
-- it expires unused.
CREATE TABLE ws_tickets (
    ticket      TEXT PRIMARY KEY,
    session     TEXT NOT NULL,
    kind        TEXT NOT NULL,
    expires_at  BIGINT NOT NULL
);
CREATE INDEX ws_tickets_expiry ON ws_tickets (expires_at);
