    -- two-way sync: this statement's version, later than every version it overwrites (two_way.sql)
    SELECT greatest((extract(epoch FROM clock_timestamp()) * 1000000)::bigint, max(v.cdc_version) + 1)
    INTO cdc_version FROM cdc_new ${n} LEFT JOIN ${versions} v ON ${v_join_n};
    IF TG_OP = 'UPDATE' THEN -- keys that an update changed are gone: their versions go on as deletes
        SELECT greatest(cdc_version, max(v.cdc_version) + 1) INTO cdc_version
        FROM cdc_old ${o} JOIN ${versions} v ON ${v_join_o};
        INSERT INTO ${versions} AS v (${pk}, cdc_version, cdc_origin)
        SELECT ${pk_o}, cdc_version, ${origin_lit} FROM cdc_old ${o} WHERE NOT EXISTS (SELECT FROM cdc_new ${n} WHERE ${pk_join})
        ON CONFLICT (${pk}) DO UPDATE SET cdc_version = EXCLUDED.cdc_version, cdc_origin = EXCLUDED.cdc_origin;
    END IF;
    INSERT INTO ${versions} AS v (${pk}, cdc_version, cdc_origin)
    SELECT ${pk_n}, cdc_version, ${origin_lit} FROM cdc_new ${n}
    ON CONFLICT (${pk}) DO UPDATE SET cdc_version = EXCLUDED.cdc_version, cdc_origin = EXCLUDED.cdc_origin;
    PERFORM set_config('cdc.version', cdc_version::text, true);
