# ms: messages of the leave area (see src/i18n.rs).
