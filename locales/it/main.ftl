# Parley visitor UI, it. Keys must match locales/zh/main.ftl.
loading = Caricamento…
messages-label = Messaggi
error-missing-sysnum = Il link non ha il parametro sysnum, quindi non è possibile aprire la chat.
error-unknown-tenant = Nessuna azienda ha l'id { $sysnum }. Controlla il sysnum nel link.
error-network = Impossibile raggiungere il server. Controlla la connessione e riprova.
not-found-title = Pagina non trovata
not-found-body = Non c'è nessuna pagina a questo indirizzo.
debug-title = Debug: parametri del link
debug-rejected = Parametri rifiutati ({ $count })
debug-parsed = Valori interpretati
