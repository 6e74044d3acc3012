# Parley visitor UI, ja. Keys must match locales/zh/main.ftl.
loading = 読み込み中…
messages-label = メッセージ
error-missing-sysnum = リンクに sysnum パラメータがないため、チャットを開けません。
error-unknown-tenant = ID { $sysnum } の企業は見つかりません。リンクの sysnum を確認してください。
error-network = サーバーに接続できません。接続を確認して再度お試しください。
not-found-title = ページが見つかりません
not-found-body = このアドレスにはページがありません。
debug-title = デバッグ: リンクのパラメータ
debug-rejected = 採用されなかったパラメータ（{ $count }）
debug-parsed = 解析結果
