package dev.cdc.mysql;

import dev.cdc.db.Sql;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Handle;

/**
 * Watches the columns of the tables a {@link MySqlSession} publishes for an ALTER TABLE: the
 * capture triggers name the columns, so they must be made again then. One statement reads a
 * signature of every watched table's columns, at most once every {@link #EVERY_NANOS}.
 */
final class MySqlColumnWatch {
    static final long EVERY_NANOS = 2_000_000_000L;
    private final Handle db;
    /** [schema, table] to the signature last read (null: not read yet). */
    private final Map<List<String>, String> known = new HashMap<>();
    /** The tables whose columns changed (or that were just watched) and were not asked about since. */
    private final Set<List<String>> changed = new HashSet<>();
    private long readAt;

    MySqlColumnWatch(Handle db) {
        this.db = db;
        this.readAt = System.nanoTime() - EVERY_NANOS;
    }

    /** Watches the table; the first {@link #changed} of it says yes, so that its triggers are checked once. */
    void watch(String schema, String table) {
        known.putIfAbsent(List.of(schema, table), null);
        changed.add(List.of(schema, table));
    }

    /** Whether the table's columns changed since it was last asked about (true once, on the first ask, too). */
    boolean changed(String schema, String table) {
        if (System.nanoTime() - readAt >= EVERY_NANOS) {
            read();
        }
        return changed.remove(List.of(schema, table));
    }

    private void read() {
        readAt = System.nanoTime();
        String schemas = known.keySet().stream().map(k -> MySqlCapture.literal(k.get(0))).distinct()
                .collect(Collectors.joining(", "));
        db.createQuery(Sql.render("mysql/column_signatures.sql", Map.of("schemas", schemas))).map((rs, ctx) -> {
            List<String> table = List.of(rs.getString("s"), rs.getString("t"));
            String now = rs.getString("columns");
            if (known.containsKey(table)) {
                String before = known.put(table, now);
                if (before != null && !before.equals(now)) {
                    changed.add(table);
                }
            }
            return table;
        }).list();
    }
}
