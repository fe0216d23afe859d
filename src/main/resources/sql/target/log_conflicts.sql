-- Two-way sync: records the conflicts of a batch, with both versions (see cdc.conflicts).
INSERT INTO cdc.conflicts (group_id, topic, table_name, key, local_origin, local_version, local_row,
                           incoming_origin, incoming_version, incoming_row)
SELECT :group_id, :topic, x.table_name, x.key, x.local_origin, x.local_version, x.local_row,
       x.incoming_origin, x.incoming_version, x.incoming_row
FROM json_to_recordset(CAST(:conflicts AS json)) AS x(table_name text, key json, local_origin text, local_version bigint,
     local_row json, incoming_origin text, incoming_version bigint, incoming_row json)
