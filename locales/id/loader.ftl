# The host-page loader's own texts (sdk/entrance*.js), id. Keys must match locales/zh/loader.ftl.
# The server sends them to the loader with the tenant's settings (GET /api/loader/settings).
loader-open = Buka obrolan
loader-close = Tutup obrolan
loader-open-unread = Buka obrolan (belum dibaca: { $count })
loader-frame = Obrolan layanan pelanggan
loader-invite = Halo! Ada yang bisa kami bantu?
loader-accept = Mulai obrolan
loader-dismiss = Abaikan
loader-chat = Obrolan
