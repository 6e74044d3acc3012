# The host-page loader's own texts (sdk/entrance*.js), pt. Keys must match locales/zh/loader.ftl.
# The server sends them to the loader with the tenant's settings (GET /api/loader/settings).
loader-open = Abrir chat
loader-close = Fechar chat
loader-open-unread = Abrir chat (não lidas: { $count })
loader-frame = Chat de atendimento
loader-invite = Olá! Podemos ajudar?
loader-accept = Conversar agora
loader-dismiss = Dispensar
loader-chat = Chat
