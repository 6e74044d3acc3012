# vi: messages of the chat area (see src/i18n.rs).
