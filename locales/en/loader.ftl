# The host-page loader's own texts (sdk/entrance*.js), en. Keys must match locales/zh/loader.ftl.
# The server sends them to the loader with the tenant's settings (GET /api/loader/settings).
loader-open = Open chat
loader-close = Close chat
loader-open-unread = Open chat (unread: { $count })
loader-frame = Customer service chat
loader-invite = Hi! Can we help you?
loader-accept = Chat now
loader-dismiss = Dismiss
loader-chat = Chat
