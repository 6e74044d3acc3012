# Parley visitor UI, th. Keys must match locales/zh/main.ftl.
loading = กำลังโหลด…
messages-label = ข้อความ
error-missing-sysnum = ลิงก์ไม่มีพารามิเตอร์ sysnum จึงเปิดแชทไม่ได้
error-unknown-tenant = ไม่พบบริษัทที่มีรหัส { $sysnum } โปรดตรวจสอบ sysnum ในลิงก์
error-network = ไม่สามารถเชื่อมต่อเซิร์ฟเวอร์ได้ โปรดตรวจสอบการเชื่อมต่อแล้วลองอีกครั้ง
not-found-title = ไม่พบหน้า
not-found-body = ไม่มีหน้าที่ที่อยู่นี้
debug-title = ดีบัก: พารามิเตอร์ของลิงก์
debug-rejected = พารามิเตอร์ที่ถูกปฏิเสธ ({ $count })
debug-parsed = ค่าที่แยกวิเคราะห์แล้ว
