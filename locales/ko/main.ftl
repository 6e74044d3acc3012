# Parley visitor UI, ko. Keys must match locales/zh/main.ftl.
loading = 불러오는 중…
messages-label = 메시지
error-missing-sysnum = 링크에 sysnum 매개변수가 없어 채팅을 열 수 없습니다.
error-unknown-tenant = ID가 { $sysnum }인 회사가 없습니다. 링크의 sysnum을 확인하세요.
error-network = 서버에 연결할 수 없습니다. 연결을 확인한 후 다시 시도하세요.
not-found-title = 페이지를 찾을 수 없음
not-found-body = 이 주소에는 페이지가 없습니다.
debug-title = 디버그: 링크 매개변수
debug-rejected = 거부된 매개변수 ({ $count })
debug-parsed = 해석된 값
