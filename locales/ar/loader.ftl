# The host-page loader's own texts (sdk/entrance*.js), ar. Keys must match locales/zh/loader.ftl.
# The server sends them to the loader with the tenant's settings (GET /api/loader/settings).
loader-open = فتح الدردشة
loader-close = إغلاق الدردشة
loader-open-unread = فتح الدردشة (غير مقروءة: { $count })
loader-frame = دردشة خدمة العملاء
loader-invite = مرحبًا! هل يمكننا مساعدتك؟
loader-accept = تحدث الآن
loader-dismiss = تجاهل
loader-chat = دردشة
