# Parley visitor UI, tr. Keys must match locales/zh/main.ftl.
loading = Yükleniyor…
messages-label = Mesajlar
error-missing-sysnum = Bağlantıda sysnum parametresi yok, bu yüzden sohbet açılamıyor.
error-unknown-tenant = { $sysnum } kimlikli bir şirket yok. Lütfen bağlantıdaki sysnum değerini kontrol edin.
error-network = Sunucuya ulaşılamıyor. Bağlantınızı kontrol edip yeniden deneyin.
not-found-title = Sayfa bulunamadı
not-found-body = Bu adreste bir sayfa yok.
debug-title = Hata ayıklama: bağlantı parametreleri
debug-rejected = Reddedilen parametreler ({ $count })
debug-parsed = Çözümlenen değerler
