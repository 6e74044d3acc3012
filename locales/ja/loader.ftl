# The host-page loader's own texts (sdk/entrance*.js), ja. Keys must match locales/zh/loader.ftl.
# The server sends them to the loader with the tenant's settings (GET /api/loader/settings).
loader-open = チャットを開く
loader-close = チャットを閉じる
loader-open-unread = チャットを開く（未読：{ $count }）
loader-frame = カスタマーサポートチャット
loader-invite = こんにちは！何かお手伝いできますか？
loader-accept = 今すぐ相談
loader-dismiss = 閉じる
loader-chat = チャット
