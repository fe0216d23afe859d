-- Whether the server is at least that version (150000: PostgreSQL 15).
SELECT current_setting('server_version_num')::int >= :v
