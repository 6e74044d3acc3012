-- The minute's sweep deletes by age: these indexes keep each of its deletes a short
-- range scan however many rows the tables hold.
CREATE INDEX visit_traces_age ON visit_traces (created_at);
CREATE INDEX browsing_age ON browsing (last_seen);
CREATE INDEX page_tokens_expiry ON page_tokens (expires_at_s);
