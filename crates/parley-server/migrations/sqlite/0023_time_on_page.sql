-- Time on page for the agents' list of browsing visitors: when the visitor's page
-- became the one they are on. A report of the same page while the visitor is still
-- listed keeps it; another page, or a return after the visitor dropped off the list,
-- starts it again. NULL (rows from before): read as last_seen.
ALTER TABLE browsing ADD COLUMN page_since BIGINT;
