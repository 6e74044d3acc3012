# The host-page loader's own texts (sdk/entrance*.js), th. Keys must match locales/zh/loader.ftl.
# The server sends them to the loader with the tenant's settings (GET /api/loader/settings).
loader-open = เปิดแชท
loader-close = ปิดแชท
loader-open-unread = เปิดแชท (ยังไม่อ่าน: { $count })
loader-frame = แชทฝ่ายบริการลูกค้า
loader-invite = สวัสดี! ให้เราช่วยอะไรไหม?
loader-accept = แชทเลย
loader-dismiss = ปิด
loader-chat = แชท
