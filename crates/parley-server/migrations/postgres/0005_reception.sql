-- Reception: what each conversation remembers of its link for the bot and routing, the
-- bot's unknown-answer count (show_manual), the queue priority and designated-agent
-- target, and the visitor's last activity (idle timeout).
-- (0003 and 0004 are tickets and cards.)

-- JSON of reception::Context.
ALTER TABLE conversations ADD COLUMN context TEXT NOT NULL DEFAULT '{}';
ALTER TABLE conversations ADD COLUMN unknown_count BIGINT NOT NULL DEFAULT 0;
-- routing::Priority packed as tier * 2^32 + vip_rank; higher waits ahead.
ALTER TABLE conversations ADD COLUMN priority BIGINT NOT NULL DEFAULT 0;
-- Set while queueing for a designated agent (agentid, or a transfer_action step).
ALTER TABLE conversations ADD COLUMN queue_agent TEXT;
ALTER TABLE conversations ADD COLUMN last_visitor_at BIGINT;
CREATE INDEX conversations_activity ON conversations (sysnum, state, last_visitor_at);
