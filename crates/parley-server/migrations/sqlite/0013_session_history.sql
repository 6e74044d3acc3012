-- `history_since`: for visitor sessions, the oldest moment (Unix ms) whose messages
-- the session may read: init's `now - time` (the link's `time`, in minutes), so that
-- older history pages stop where the first page did. NULL (sessions made before, and
-- other kinds): no limit.
ALTER TABLE sessions ADD COLUMN history_since BIGINT;
