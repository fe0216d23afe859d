-- Two-way sync: records a conflict of a batch, with both versions (see cdc.conflicts).
INSERT INTO cdc.conflicts (group_id, topic, table_name, `key`, local_origin, local_version, local_row,
                           incoming_origin, incoming_version, incoming_row)
VALUES (:group_id, :topic, :table_name, :key, :local_origin, :local_version, :local_row,
        :incoming_origin, :incoming_version, :incoming_row)
