# The host-page loader's own texts (sdk/entrance*.js), zh-Hant. Keys must match locales/zh/loader.ftl.
# The server sends them to the loader with the tenant's settings (GET /api/loader/settings).
loader-open = 開啟線上客服
loader-close = 關閉線上客服
loader-open-unread = 開啟線上客服（未讀：{ $count }）
loader-frame = 線上客服
loader-invite = 您好，有什麼可以幫您？
loader-accept = 立即諮詢
loader-dismiss = 關閉
loader-chat = 諮詢
