# The host-page loader's own texts (sdk/entrance*.js), tr. Keys must match locales/zh/loader.ftl.
# The server sends them to the loader with the tenant's settings (GET /api/loader/settings).
loader-open = Sohbeti aç
loader-close = Sohbeti kapat
loader-open-unread = Sohbeti aç (okunmamış: { $count })
loader-frame = Müşteri hizmetleri sohbeti
loader-invite = Merhaba! Yardımcı olabilir miyiz?
loader-accept = Şimdi sohbet et
loader-dismiss = Kapat
loader-chat = Sohbet
