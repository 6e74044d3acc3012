# Parley visitor UI, fr. Keys must match locales/zh/main.ftl.
loading = Chargement…
messages-label = Messages
error-missing-sysnum = Le lien n'a pas de paramètre sysnum : impossible d'ouvrir la discussion.
error-unknown-tenant = Aucune entreprise n'a l'identifiant { $sysnum }. Vérifiez le sysnum du lien.
error-network = Le serveur est injoignable. Vérifiez votre connexion et réessayez.
not-found-title = Page introuvable
not-found-body = Il n'y a aucune page à cette adresse.
debug-title = Débogage : paramètres du lien
debug-rejected = Paramètres rejetés ({ $count })
debug-parsed = Valeurs analysées
