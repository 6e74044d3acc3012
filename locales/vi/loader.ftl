# The host-page loader's own texts (sdk/entrance*.js), vi. Keys must match locales/zh/loader.ftl.
# The server sends them to the loader with the tenant's settings (GET /api/loader/settings).
loader-open = Mở trò chuyện
loader-close = Đóng trò chuyện
loader-open-unread = Mở trò chuyện (chưa đọc: { $count })
loader-frame = Trò chuyện chăm sóc khách hàng
loader-invite = Xin chào! Chúng tôi có thể giúp gì?
loader-accept = Trò chuyện ngay
loader-dismiss = Bỏ qua
loader-chat = Trò chuyện
