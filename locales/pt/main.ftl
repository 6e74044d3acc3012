# Parley visitor UI, pt. Keys must match locales/zh/main.ftl.
loading = Carregando…
messages-label = Mensagens
error-missing-sysnum = O link não tem o parâmetro sysnum, então nenhum chat pode ser aberto.
error-unknown-tenant = Nenhuma empresa tem o id { $sysnum }. Verifique o sysnum no link.
error-network = Não foi possível acessar o servidor. Verifique sua conexão e tente novamente.
not-found-title = Página não encontrada
not-found-body = Não há nenhuma página neste endereço.
debug-title = Depuração: parâmetros do link
debug-rejected = Parâmetros rejeitados ({ $count })
debug-parsed = Valores interpretados
