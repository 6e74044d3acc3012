-- How far the conversation's agent has read: every visitor message up to this seq has
-- been on the agent's screen. The workbench's unread count is the visitor messages
-- after it (a range of the messages' primary key, never a scan of the conversation).
-- Reset to 0 whenever the conversation's agent changes: a new holder has read nothing.
ALTER TABLE conversations ADD COLUMN agent_read_seq BIGINT NOT NULL DEFAULT 0;
