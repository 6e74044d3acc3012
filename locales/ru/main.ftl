# Parley visitor UI, ru. Keys must match locales/zh/main.ftl.
loading = Загрузка…
messages-label = Сообщения
error-missing-sysnum = В ссылке нет параметра sysnum, поэтому чат открыть нельзя.
error-unknown-tenant = Компании с идентификатором { $sysnum } нет. Проверьте sysnum в ссылке.
error-network = Сервер недоступен. Проверьте подключение и попробуйте снова.
not-found-title = Страница не найдена
not-found-body = По этому адресу нет страницы.
debug-title = Отладка: параметры ссылки
debug-rejected = Отклонённые параметры ({ $count })
debug-parsed = Разобранные значения
