-- Quotas: who uploaded a chat picture (the visitor's id; NULL for an agent's), so a
-- visitor's uploads of the last day can be summed without reading messages.
ALTER TABLE chat_files ADD COLUMN visitor_id TEXT;
CREATE INDEX chat_files_visitor ON chat_files (visitor_id, created_at);
CREATE INDEX chat_files_tenant ON chat_files (sysnum);
