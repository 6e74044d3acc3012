-- Sessions and page tokens are kept as SHA-256 digests from now on (`token` holds the
-- digest's hex; a stolen copy of the table opens nothing). Rows written before keep
-- the plain value, which no presented token hashes to: those sessions end, and
-- visitors start a new one at their next page load.
--
-- `credential`: for agent sessions, a digest of the agent's password hash when they
-- signed in; a session whose agent's password has changed since is refused.
ALTER TABLE sessions ADD COLUMN credential TEXT;
CREATE INDEX sessions_subject ON sessions (sysnum, kind, subject);
