-- Visitors' browsing tracks (the spec's man_trace / zc("trace")): one row per page view
-- the host page reported, newest kept (the server prunes each visitor to the latest 200).
-- `id` orders entries (newer is larger); `page` and `previous` hold the JSON of
-- parley_protocol::api::VisitPage.
CREATE TABLE visit_traces (
    id          BIGSERIAL PRIMARY KEY,
    visitor_id  TEXT NOT NULL REFERENCES visitors(id),
    page        TEXT NOT NULL,
    previous    TEXT,
    created_at  BIGINT NOT NULL
);
CREATE INDEX visit_traces_visitor ON visit_traces (visitor_id, id);
