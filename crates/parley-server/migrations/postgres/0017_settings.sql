-- Settings live here after the first import of the configuration file (see
-- crate::live_config). One row per scope: `tenant:<sysnum>` holds a tenant's settings as
-- JSON (crate::config::Tenant), `retention` the retention rules. `settings_generation`
-- has one row whose number every change raises in the change's transaction; instances
-- poll it to reload within a second.
CREATE TABLE settings (
    scope       TEXT PRIMARY KEY,
    document    TEXT NOT NULL,
    updated_at  BIGINT NOT NULL,
    updated_by  TEXT NOT NULL
);
CREATE TABLE settings_generation (
    id          BIGINT PRIMARY KEY CHECK (id = 1),
    generation  BIGINT NOT NULL
);
INSERT INTO settings_generation (id, generation) VALUES (1, 0);
-- Who changed what: the whole document before and after each change.
CREATE TABLE settings_audit (
    id          BIGSERIAL PRIMARY KEY,
    scope       TEXT NOT NULL,
    actor       TEXT NOT NULL,
    at          BIGINT NOT NULL,
    before_doc  TEXT,
    after_doc   TEXT NOT NULL
);
CREATE INDEX settings_audit_scope ON settings_audit (scope, id);
