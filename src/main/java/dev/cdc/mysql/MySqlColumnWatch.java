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
    /** Tables to ask about again from a time on (System.nanoTime): a check that could not be done. */
    private final Map<List<String>, Long> retries = new HashMap<>();
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

    /**
     * Whether the table's columns changed since it was last asked about (true once, on the first
     * ask, too, and again once a retry asked for by {@link #again} is due).
     */
    boolean changed(String schema, String table) {
        long now = System.nanoTime();
        if (now - readAt >= EVERY_NANOS) {
            read();
        }
        List<String> t = List.of(schema, table);
        Long due = retries.get(t);
        if (due != null && now - due >= 0) {
            retries.remove(t);
            return true;
        }
        return changed.remove(t);
    }

    /** Asks about the table again after {@code delayNanos}: what its change called for could not be done. */
    void again(String schema, String table, long delayNanos) {
        retries.put(List.of(schema, table), System.nanoTime() + delayNanos);
    }

    private void read() {
        readAt = System.nanoTime();
        String tables = known.keySet().stream().map(k -> "(TABLE_SCHEMA = " + MySqlCapture.literal(k.get(0))
                + " AND TABLE_NAME = " + MySqlCapture.literal(k.get(1)) + ")").collect(Collectors.joining(" OR "));
        db.createQuery(Sql.render("mysql/column_signatures.sql", Map.of("tables", tables))).map((rs, ctx) -> {
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
