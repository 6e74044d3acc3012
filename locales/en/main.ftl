# Parley visitor UI, en. Keys must match locales/zh/main.ftl.
loading = Loading…
messages-label = Messages
error-missing-sysnum = The link has no sysnum parameter, so no chat can be opened.
error-unknown-tenant = No company has the id { $sysnum }. Please check the sysnum in the link.
error-network = The server can't be reached. Check your connection and try again.
not-found-title = Page not found
not-found-body = There is no page at this address.
debug-title = Debug: link parameters
debug-rejected = Rejected parameters ({ $count })
debug-parsed = Parsed values
