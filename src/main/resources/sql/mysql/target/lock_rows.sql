-- Two-way sync: locks the rows of some keys of a batch, before their versions (read_versions.sql):
-- the order in which the capture triggers of local writers take them. ${keys}: a derived table of
-- the keys' places in the batch (ord) and values; ${match}: k's key equals t's. A local writer's
-- change of one of them not yet committed is waited for. Returns the places that have a row.
SELECT k.ord FROM (${keys}) AS k JOIN ${table} AS t ON ${match} FOR UPDATE
