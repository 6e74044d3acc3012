# Parley visitor UI, ms. Keys must match locales/zh/main.ftl.
loading = Memuatkan…
messages-label = Mesej
error-missing-sysnum = Pautan tiada parameter sysnum, jadi sembang tidak dapat dibuka.
error-unknown-tenant = Tiada syarikat dengan id { $sysnum }. Sila semak sysnum dalam pautan.
error-network = Pelayan tidak dapat dihubungi. Semak sambungan anda dan cuba lagi.
not-found-title = Halaman tidak dijumpai
not-found-body = Tiada halaman di alamat ini.
debug-title = Nyahpepijat: parameter pautan
debug-rejected = Parameter ditolak ({ $count })
debug-parsed = Nilai yang dihuraikan
