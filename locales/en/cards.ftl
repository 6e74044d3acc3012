# en: messages of the cards area (see src/i18n.rs).
