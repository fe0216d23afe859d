package dev.cdc.mysql;

import dev.cdc.db.Db;
import dev.cdc.db.Sql;
import dev.cdc.db.Table;
import dev.cdc.source.Captures;
import dev.cdc.source.SourceEngine;
import dev.cdc.source.SourceSession;
import java.util.List;

/** MySQL and MariaDB as a source of {@code cdc produce} (see {@link MySqlCursor}). */
public final class MySqlSource implements SourceEngine {
    private final MySqlCaptures captures = new MySqlCaptures();

    @Override
    public Captures captures() {
        return captures;
    }

    @Override
    public void preflight(Db source, List<Table.Name> tables) {
        source.run("check capture", h -> {
            tables.forEach(t -> captures.load(h, source, t.schema(), t.name()));
            return null;
        });
    }

    @Override
    public void acceptPartitions(Db source, String schema, String table, int partitions) {
        source.run("record the partitions", h -> h.createUpdate(Sql.load("mysql/save_keyed.sql")).bind("columns", (String) null)
                .bind("partitions", partitions).bind("schema", schema).bind("table", table).execute());
    }

    @Override
    public SourceSession session(Db source) {
        return new MySqlSession(source, captures);
    }
}
