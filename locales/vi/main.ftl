# Parley visitor UI, vi. Keys must match locales/zh/main.ftl.
loading = Đang tải…
messages-label = Tin nhắn
error-missing-sysnum = Liên kết không có tham số sysnum nên không thể mở cuộc trò chuyện.
error-unknown-tenant = Không có công ty nào có mã { $sysnum }. Vui lòng kiểm tra sysnum trong liên kết.
error-network = Không thể kết nối máy chủ. Hãy kiểm tra kết nối và thử lại.
not-found-title = Không tìm thấy trang
not-found-body = Không có trang nào tại địa chỉ này.
debug-title = Gỡ lỗi: tham số liên kết
debug-rejected = Tham số bị từ chối ({ $count })
debug-parsed = Giá trị đã phân tích
