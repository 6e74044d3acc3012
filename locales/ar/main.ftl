# Parley visitor UI, ar. Keys must match locales/zh/main.ftl.
loading = جارٍ التحميل…
messages-label = الرسائل
error-missing-sysnum = الرابط لا يحتوي على المعامل sysnum، لذا لا يمكن فتح المحادثة.
error-unknown-tenant = لا توجد شركة بالمعرّف { $sysnum }. يرجى التحقق من sysnum في الرابط.
error-network = تعذّر الوصول إلى الخادم. تحقّق من اتصالك وحاول مجددًا.
not-found-title = الصفحة غير موجودة
not-found-body = لا توجد صفحة في هذا العنوان.
debug-title = تصحيح: معاملات الرابط
debug-rejected = المعاملات المرفوضة ({ $count })
debug-parsed = القيم المحلَّلة
