-- The cdc.capture row of a table, made if missing (a cursor already there is kept), with its topic
-- (set up again with another: the columns announced on the old one are announced again), this
-- side's name in a two-way sync (NULL: one-way) and the columns events are keyed by.
-- (MySQL's ON DUPLICATE KEY UPDATE assigns left to right: topic is compared before it is set.)
INSERT INTO cdc.capture (table_schema, table_name, changelog_name, epoch, topic, origin, key_columns)
VALUES (:schema, :table, :changelog, UUID(), :topic, :origin, :key_columns)
ON DUPLICATE KEY UPDATE columns = IF(topic <=> VALUES(topic), columns, NULL),
                        partitions = IF(topic <=> VALUES(topic), partitions, NULL),
                        topic = VALUES(topic), origin = VALUES(origin), key_columns = VALUES(key_columns)
