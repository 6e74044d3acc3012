-- E-commerce overflow: a conversation the visitor's tenant could not serve may move to a
-- partner tenant (`flowCompanyId`). `sysnum` is then the tenant serving it (its agents,
-- queue and routing lock), and `visitor_sysnum` the visitor's own tenant, whose session
-- the conversation stays bound to. NULL: never moved, the visitor's tenant serves it.
ALTER TABLE conversations ADD COLUMN visitor_sysnum TEXT;
