# The host-page loader's own texts (sdk/entrance*.js), fr. Keys must match locales/zh/loader.ftl.
# The server sends them to the loader with the tenant's settings (GET /api/loader/settings).
loader-open = Ouvrir le chat
loader-close = Fermer le chat
loader-open-unread = Ouvrir le chat (non lus : { $count })
loader-frame = Chat du service client
loader-invite = Bonjour ! Pouvons-nous vous aider ?
loader-accept = Discuter
loader-dismiss = Ignorer
loader-chat = Chat
