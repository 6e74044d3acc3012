# The host-page loader's own texts (sdk/entrance*.js), ko. Keys must match locales/zh/loader.ftl.
# The server sends them to the loader with the tenant's settings (GET /api/loader/settings).
loader-open = 채팅 열기
loader-close = 채팅 닫기
loader-open-unread = 채팅 열기 (읽지 않음: { $count })
loader-frame = 고객 상담 채팅
loader-invite = 안녕하세요! 무엇을 도와드릴까요?
loader-accept = 지금 상담하기
loader-dismiss = 닫기
loader-chat = 채팅
