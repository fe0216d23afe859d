-- Whether the target has cdc's bookkeeping tables, and whether they have the columns, tables and
-- keys this cdc writes (an older install gets them when cdc setup runs again).
SELECT to_regclass('cdc.applied_offsets') IS NOT NULL AND to_regclass('cdc.subscriptions') IS NOT NULL AS installed,
       EXISTS (SELECT FROM pg_attribute
               WHERE attrelid = to_regclass('cdc.applied_offsets') AND attname = 'topic_id' AND NOT attisdropped)
       AND to_regclass('cdc.applied_positions') IS NOT NULL
       AND EXISTS (SELECT FROM pg_constraint
                   WHERE conrelid = to_regclass('cdc.subscriptions') AND contype = 'p' AND cardinality(conkey) = 3) AS current
