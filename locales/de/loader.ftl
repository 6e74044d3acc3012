# The host-page loader's own texts (sdk/entrance*.js), de. Keys must match locales/zh/loader.ftl.
# The server sends them to the loader with the tenant's settings (GET /api/loader/settings).
loader-open = Chat öffnen
loader-close = Chat schließen
loader-open-unread = Chat öffnen (ungelesen: { $count })
loader-frame = Kundenservice-Chat
loader-invite = Hallo! Können wir helfen?
loader-accept = Jetzt chatten
loader-dismiss = Schließen
loader-chat = Chat
