# The host-page loader's own texts (sdk/entrance*.js), es. Keys must match locales/zh/loader.ftl.
# The server sends them to the loader with the tenant's settings (GET /api/loader/settings).
loader-open = Abrir chat
loader-close = Cerrar chat
loader-open-unread = Abrir chat (sin leer: { $count })
loader-frame = Chat de atención al cliente
loader-invite = ¡Hola! ¿Podemos ayudarte?
loader-accept = Chatear ahora
loader-dismiss = Descartar
loader-chat = Chat
