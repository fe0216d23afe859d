    -- a partitioned table: a partition detached since is no longer the table's (see partitioned.sql)
    IF NOT ${member} THEN
        RETURN NULL;
    END IF;
