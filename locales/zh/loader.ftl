# The host-page loader's own texts (sdk/entrance*.js), zh. Keys must match locales/zh/loader.ftl.
# The server sends them to the loader with the tenant's settings (GET /api/loader/settings).
loader-open = 打开在线客服
loader-close = 关闭在线客服
loader-open-unread = 打开在线客服（未读：{ $count }）
loader-frame = 在线客服
loader-invite = 您好，有什么可以帮您？
loader-accept = 立即咨询
loader-dismiss = 关闭
loader-chat = 咨询
