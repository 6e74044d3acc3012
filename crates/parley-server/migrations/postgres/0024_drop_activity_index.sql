-- Every visitor message moves its conversation's `last_visitor_at`, so an index holding
-- it is rewritten by every group commit (on SQLite a leaf page more in each commit's
-- WAL; on PostgreSQL no update of the row can be HOT, so each one adds an entry to every
-- index of the table). Its only reader, the idle sweep (`store::conversations::
-- idle_since`), compares `COALESCE(last_visitor_at, created_at)`, which no index of
-- the column answers; SQLite's plan for it searched `conversations_started` (sysnum,
-- created_at) by `sysnum` before the drop and does after. docs/performance.md, session 10.
DROP INDEX conversations_activity;
