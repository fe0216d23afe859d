package dev.cdc.mysql;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cdc.base.Json;
import dev.cdc.db.Sql;
import dev.cdc.db.Table;
import dev.cdc.event.ChangeEvent;
import dev.cdc.target.ConflictRule;
import dev.cdc.target.Subscription;
import dev.cdc.target.VersionedRows;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.Query;

/**
 * Two-way sync on MySQL/MariaDB: the row versions of this side in the table the capture made
 * ({@code <table>_cdc_versions}, see sql/mysql/two_way_insert.sql), read and written with the rows
 * they version (sql/mysql/target/lock_rows.sql, read_versions.sql, write_version.sql), conflicts
 * recorded in {@code cdc.conflicts}. A batch's keys go into each statement as a derived table of
 * bound values, at most {@link #KEYS} at a time.
 */
final class MySqlConflicts extends VersionedRows<Table> {
    private static final int KEYS = 1_000;
    private final String versions;
    private final MySqlRowWriter rows;
    private final String group;
    private final String topic;

    MySqlConflicts(Subscription.TwoWay twoWay, MySqlRowWriter rows, String group, String topic) {
        this.versions = twoWay.versions();
        this.rows = rows;
        this.group = group;
        this.topic = topic;
    }

    @Override
    protected Table target(Handle tx, String table) {
        return rows.table(tx, table, false);
    }

    @Override
    protected Set<Integer> lockRows(Handle tx, Table t, List<ChangeEvent> changes) {
        Set<Integer> existing = new HashSet<>();
        byKeys(tx, "mysql/target/lock_rows.sql", Map.of("table", MySqlTargetTable.name(t)), t, changes,
                (ord, rs) -> existing.add(ord));
        return existing;
    }

    /** One insert per row, in key order (see {@link MySqlRowWriter#claim}); a key claimed once in the batch is claimed. */
    @Override
    protected Set<Integer> claim(Handle tx, Table t, List<ChangeEvent> changes, List<Integer> absent) {
        Set<Integer> claimed = new HashSet<>();
        Map<String, Boolean> byKey = new HashMap<>();
        for (int i : inKeyOrder(t, changes, absent)) {
            ChangeEvent e = changes.get(i);
            if (byKey.computeIfAbsent(e.key(), k -> rows.claim(tx, t, e))) {
                claimed.add(i);
            }
        }
        return claimed;
    }

    @Override
    protected List<ConflictRule.Local> versions(Handle tx, Table t, List<ChangeEvent> changes) {
        List<ConflictRule.Local> local = new ArrayList<>(Collections.nCopies(changes.size(), ConflictRule.Local.NONE));
        byKeys(tx, "mysql/target/read_versions.sql", Map.of("versions", versions), t, changes,
                (ord, rs) -> local.set(ord, new ConflictRule.Local(((Number) rs.get("cdc_version")).longValue(),
                        (String) rs.get("cdc_origin"))));
        return local;
    }

    @Override
    protected void delete(Handle tx, Table t, List<ChangeEvent> changes) {
        MySqlRowWriter.delete(tx, t, changes.stream().map(ChangeEvent::key).toList());
    }

    @Override
    protected Map<Integer, String> localRows(Handle tx, Table t, List<ChangeEvent> changes) {
        Map<Integer, String> local = new HashMap<>();
        byKeys(tx, "mysql/target/local_rows.sql", Map.of("table", MySqlTargetTable.name(t), "row", MySqlCapture.row(t, "t")),
                t, changes, (ord, rs) -> local.put(ord, (String) rs.get("row")));
        return local;
    }

    @Override
    protected void logConflicts(Handle tx, String conflicts) {
        var batch = tx.prepareBatch(Sql.load("mysql/target/log_conflict.sql"));
        for (JsonNode c : MySqlRowWriter.parse(conflicts)) {
            batch.bind("group_id", group).bind("topic", topic).bind("table_name", c.get("table_name").asText())
                    .bind("key", Json.write(c.get("key"))).bind("local_origin", c.get("local_origin").asText())
                    .bind("local_version", c.get("local_version").asLong()).bind("local_row", text(c.get("local_row")))
                    .bind("incoming_origin", c.get("incoming_origin").asText())
                    .bind("incoming_version", c.get("incoming_version").asLong())
                    .bind("incoming_row", text(c.get("incoming_row"))).add();
        }
        batch.execute();
    }

    private static String text(JsonNode json) {
        return json == null || json.isNull() ? null : Json.write(json);
    }

    /** Stores the versions of the changes applied (key, version, side), one batch per table. */
    @Override
    public void recordVersions(Handle tx, List<ChangeEvent> applied) {
        Map<String, List<ChangeEvent>> byTable = new java.util.LinkedHashMap<>();
        applied.forEach(e -> byTable.computeIfAbsent(e.table(), x -> new ArrayList<>()).add(e));
        byTable.forEach((table, changes) -> {
            Table t = rows.table(tx, table, false);
            List<Table.Column> key = MySqlRowWriter.columns(t, t.key());
            var batch = tx.prepareBatch(Sql.render("mysql/target/write_version.sql", Map.of("versions", versions,
                    "key_columns", t.key().stream().map(MySqlCapture::ident).collect(Collectors.joining(", ")),
                    "key_values", t.key().stream().map(k -> "?").collect(Collectors.joining(", ")))));
            for (ChangeEvent e : changes) {
                JsonNode k = MySqlRowWriter.parse(e.key());
                for (int i = 0; i < key.size(); i++) {
                    batch.bind(i, MySqlValues.of(key.get(i), k.get(key.get(i).name())));
                }
                batch.bind(key.size(), ConflictRule.versionOf(e)).bind(key.size() + 1, ConflictRule.originOf(e)).add();
            }
            batch.execute();
        });
    }

    /**
     * The places of some changes in the order of their keys, numbers as numbers and text as text:
     * the order of the key's index (for the keys cdc relates rows by: numbers, UUIDs, codes), in
     * which statements such as {@code UPDATE ... WHERE id IN (...)} lock rows too, so that a batch
     * and an application's statement do not each hold a row the other waits for. The rows are
     * read in the order the derived table lists them.
     */
    private static List<Integer> inKeyOrder(Table t, List<ChangeEvent> changes, List<Integer> places) {
        Map<Integer, JsonNode> keys = new HashMap<>();
        places.forEach(i -> keys.put(i, MySqlRowWriter.parse(changes.get(i).key())));
        java.util.Comparator<Integer> order = (a, b) -> 0;
        for (String c : t.key()) {
            order = order.thenComparing((a, b) -> {
                JsonNode x = keys.get(a).get(c);
                JsonNode y = keys.get(b).get(c);
                if (x != null && y != null && x.isNumber() && y.isNumber()) {
                    return x.decimalValue().compareTo(y.decimalValue());
                }
                return String.valueOf(x == null ? null : x.asText()).compareTo(String.valueOf(y == null ? null : y.asText()));
            });
        }
        List<Integer> sorted = new ArrayList<>(places);
        sorted.sort(order);
        return sorted;
    }

    /**
     * Runs a query over the changes' keys, {@link #KEYS} at a time, given as {@code ${keys}}: a
     * derived table {@code k} of their places (ord) and values, with {@code ${match}} (k's key equals
     * t's); each row goes to {@code row} with its place.
     */
    private static void byKeys(Handle tx, String file, Map<String, String> sql, Table t, List<ChangeEvent> changes,
                               BiConsumer<Integer, Map<String, Object>> row) {
        List<Table.Column> key = MySqlRowWriter.columns(t, t.key());
        String match = t.key().stream().map(c -> "t." + MySqlCapture.ident(c) + " = k." + MySqlCapture.ident(c))
                .collect(Collectors.joining(" AND "));
        List<Integer> places = inKeyOrder(t, changes, java.util.stream.IntStream.range(0, changes.size()).boxed().toList());
        for (int from = 0; from < places.size(); from += KEYS) {
            int to = Math.min(places.size(), from + KEYS);
            String first = "SELECT ? AS ord, " + t.key().stream().map(c -> "? AS " + MySqlCapture.ident(c))
                    .collect(Collectors.joining(", "));
            String next = " UNION ALL SELECT ?" + ", ?".repeat(key.size());
            Map<String, String> v = new HashMap<>(sql);
            v.put("keys", first + next.repeat(to - from - 1));
            v.put("match", match);
            Query q = tx.createQuery(Sql.render(file, v));
            int p = 0;
            for (int i : places.subList(from, to)) {
                q.bind(p++, i);
                JsonNode k = MySqlRowWriter.parse(changes.get(i).key());
                for (Table.Column c : key) {
                    q.bind(p++, MySqlValues.of(c, k.get(c.name())));
                }
            }
            q.mapToMap().forEach(r -> row.accept(((Number) r.get("ord")).intValue(), r));
        }
    }
}
