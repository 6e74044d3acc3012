# Parley visitor UI, es. Keys must match locales/zh/main.ftl.
loading = Cargando…
messages-label = Mensajes
error-missing-sysnum = El enlace no tiene el parámetro sysnum, así que no se puede abrir el chat.
error-unknown-tenant = Ninguna empresa tiene el id { $sysnum }. Revise el sysnum del enlace.
error-network = No se puede conectar con el servidor. Compruebe su conexión e inténtelo de nuevo.
not-found-title = Página no encontrada
not-found-body = No hay ninguna página en esta dirección.
debug-title = Depuración: parámetros del enlace
debug-rejected = Parámetros rechazados ({ $count })
debug-parsed = Valores interpretados
