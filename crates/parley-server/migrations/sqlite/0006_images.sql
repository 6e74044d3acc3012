-- Pictures sent in conversations (messages of kind 'image'). The bytes live in the
-- database (BLOB here, BYTEA on the other backend) so every instance serves the same files;
-- `messages.image` holds the JSON of parley_protocol::api::ImageRef.
CREATE TABLE chat_files (
    id              TEXT PRIMARY KEY,
    sysnum          TEXT NOT NULL,
    conversation_id TEXT NOT NULL REFERENCES conversations(id),
    content_type    TEXT NOT NULL,
    size            BIGINT NOT NULL,
    data            BLOB NOT NULL,
    created_at      BIGINT NOT NULL
);
CREATE INDEX chat_files_conversation ON chat_files (conversation_id);
ALTER TABLE messages ADD COLUMN image TEXT;
