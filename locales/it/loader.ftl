# The host-page loader's own texts (sdk/entrance*.js), it. Keys must match locales/zh/loader.ftl.
# The server sends them to the loader with the tenant's settings (GET /api/loader/settings).
loader-open = Apri chat
loader-close = Chiudi chat
loader-open-unread = Apri chat (non letti: { $count })
loader-frame = Chat del servizio clienti
loader-invite = Ciao! Possiamo aiutarti?
loader-accept = Chatta ora
loader-dismiss = Ignora
loader-chat = Chat
