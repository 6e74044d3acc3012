# The host-page loader's own texts (sdk/entrance*.js), ru. Keys must match locales/zh/loader.ftl.
# The server sends them to the loader with the tenant's settings (GET /api/loader/settings).
loader-open = Открыть чат
loader-close = Закрыть чат
loader-open-unread = Открыть чат (непрочитанных: { $count })
loader-frame = Чат службы поддержки
loader-invite = Здравствуйте! Чем можем помочь?
loader-accept = Начать чат
loader-dismiss = Закрыть
loader-chat = Чат
