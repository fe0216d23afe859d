package dev.cdc.postgres;

import dev.cdc.db.Db;
import dev.cdc.db.Sql;
import dev.cdc.db.Table;
import dev.cdc.source.Capture;
import dev.cdc.source.Captures;
import dev.cdc.source.SourceEngine;
import dev.cdc.source.SourceSession;
import java.util.List;

/** PostgreSQL as a source: capture by the triggers of sql/source/, changelogs read by {@link PgChangelog}. */
public final class PostgresSource implements SourceEngine {
    private final PgCaptures captures = new PgCaptures();

    @Override
    public Captures captures() {
        return captures;
    }

    @Override
    public void preflight(Db source, List<Table.Name> tables) {
        source.run("produce", h -> {
            for (Table.Name t : tables) {
                Capture c = captures.load(h, source, t.schema(), t.name());
                if (PgCatalog.table(h, c.changelogSchema(), c.retainedName()).isEmpty() || c.lockId() == null) {
                    throw c.installedByOlderCdc();
                }
                List<String> missing = h.createQuery(Sql.render("source/missing_rights.sql", new PgCaptureSql(c).values()))
                        .mapTo(String.class).list();
                if (!missing.isEmpty()) {
                    throw source.lacksRights("lacks " + String.join(", ", missing));
                }
            }
            return null;
        });
    }

    @Override
    public void acceptPartitions(Db source, String schema, String table, int partitions) {
        source.run("produce", h -> h.createUpdate(Sql.load("source/accept_partitions.sql")).bind("partitions", partitions)
                .bind("schema", schema).bind("table", table).execute());
    }

    @Override
    public SourceSession session(Db source) {
        return new PgSession(source);
    }
}
