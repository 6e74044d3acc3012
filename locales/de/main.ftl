# Parley visitor UI, de. Keys must match locales/zh/main.ftl.
loading = Wird geladen…
messages-label = Nachrichten
error-missing-sysnum = Dem Link fehlt der Parameter sysnum, daher kann kein Chat geöffnet werden.
error-unknown-tenant = Es gibt kein Unternehmen mit der ID { $sysnum }. Bitte prüfen Sie den sysnum im Link.
error-network = Der Server ist nicht erreichbar. Prüfen Sie Ihre Verbindung und versuchen Sie es erneut.
not-found-title = Seite nicht gefunden
not-found-body = Unter dieser Adresse gibt es keine Seite.
debug-title = Debug: Link-Parameter
debug-rejected = Abgelehnte Parameter ({ $count })
debug-parsed = Gelesene Werte
