# Parley visitor UI, id. Keys must match locales/zh/main.ftl.
loading = Memuat…
messages-label = Pesan
error-missing-sysnum = Tautan tidak memiliki parameter sysnum, sehingga obrolan tidak dapat dibuka.
error-unknown-tenant = Tidak ada perusahaan dengan id { $sysnum }. Periksa sysnum pada tautan.
error-network = Server tidak dapat dijangkau. Periksa koneksi Anda dan coba lagi.
not-found-title = Halaman tidak ditemukan
not-found-body = Tidak ada halaman di alamat ini.
debug-title = Debug: parameter tautan
debug-rejected = Parameter ditolak ({ $count })
debug-parsed = Nilai yang diurai
