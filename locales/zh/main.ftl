# Parley visitor UI, zh. Keys must match locales/zh/main.ftl.
loading = 正在加载…
messages-label = 消息
error-missing-sysnum = 链接缺少 sysnum 参数，无法打开会话。
error-unknown-tenant = 找不到企业 { $sysnum }，请检查链接中的 sysnum。
error-network = 无法连接服务器，请检查网络后重试。
not-found-title = 页面不存在
not-found-body = 该地址没有可显示的页面。
debug-title = 调试：链接参数
debug-rejected = 未采用的参数（{ $count }）
debug-parsed = 解析结果
