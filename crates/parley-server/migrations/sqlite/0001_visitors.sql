-- A visitor of one tenant, identified by the site's partnerid or an anonymous id.
CREATE TABLE visitors (
    id          TEXT PRIMARY KEY,
    sysnum      TEXT NOT NULL,
    partnerid   TEXT,
    created_at  BIGINT NOT NULL,
    last_seen   BIGINT NOT NULL
);
CREATE UNIQUE INDEX visitors_partner ON visitors (sysnum, partnerid) WHERE partnerid IS NOT NULL;
