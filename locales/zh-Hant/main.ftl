# Parley visitor UI, zh-Hant. Keys must match locales/zh/main.ftl.
loading = 正在載入…
messages-label = 訊息
error-missing-sysnum = 連結缺少 sysnum 參數，無法開啟會話。
error-unknown-tenant = 找不到企業 { $sysnum }，請檢查連結中的 sysnum。
error-network = 無法連線伺服器，請檢查網路後重試。
not-found-title = 頁面不存在
not-found-body = 此位址沒有可顯示的頁面。
debug-title = 除錯：連結參數
debug-rejected = 未採用的參數（{ $count }）
debug-parsed = 解析結果
