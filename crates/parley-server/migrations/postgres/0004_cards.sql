-- Product and order cards sent into a conversation (messages of kind 'card'): the JSON
-- of parley_protocol::card::Card. `body` keeps a plain-text summary for readers that do
-- not show cards.
ALTER TABLE messages ADD COLUMN card TEXT;
