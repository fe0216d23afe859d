-- Every row of a truncated table (in the batch's transaction: TRUNCATE would commit it).
DELETE FROM ${table} ${where}
