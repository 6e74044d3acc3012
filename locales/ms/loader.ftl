# The host-page loader's own texts (sdk/entrance*.js), ms. Keys must match locales/zh/loader.ftl.
# The server sends them to the loader with the tenant's settings (GET /api/loader/settings).
loader-open = Buka sembang
loader-close = Tutup sembang
loader-open-unread = Buka sembang (belum dibaca: { $count })
loader-frame = Sembang khidmat pelanggan
loader-invite = Hai! Boleh kami bantu?
loader-accept = Sembang sekarang
loader-dismiss = Abaikan
loader-chat = Sembang
