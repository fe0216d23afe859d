package dev.cdc.mysql;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cdc.base.Failure;
import dev.cdc.base.Json;
import dev.cdc.db.Sql;
import dev.cdc.db.Table;
import dev.cdc.event.ChangeEvent;
import dev.cdc.event.EventKey;
import dev.cdc.kafka.Kafka;
import dev.cdc.target.ApplyPlan;
import dev.cdc.target.RowWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.PreparedBatch;

/**
 * Writes rows into MySQL/MariaDB target tables: per table the batch's deletes as one JDBC batch
 * ({@code DELETE ... WHERE key}), then its upserts as one per set of columns ({@code INSERT ... ON
 * DUPLICATE KEY UPDATE}), each value converted by the target column's type ({@link MySqlValues})
 * and bound as a parameter.
 */
final class MySqlRowWriter implements RowWriter {
    private final Map<String, Table> tables = new HashMap<>();
    /** Per table, the columns that hold JSON. */
    private final Map<String, java.util.Set<String>> json = new HashMap<>();
    /** Two-way sync: the columns rows are related by (null: the primary key). */
    private final List<String> key;
    /** Two-way sync: per table, the primary key columns outside {@link #key}, this side's own, never written. */
    private final Map<String, List<String>> local = new HashMap<>();

    MySqlRowWriter(List<String> key) {
        this.key = key;
    }

    @Override
    public Table table(Handle h, String qualified, boolean reread) {
        if (reread) {
            tables.remove(qualified);
        }
        return tables.computeIfAbsent(qualified, q -> {
            String[] n = Table.parseName(q);
            Table t = MySqlCatalog.INSTANCE.find(h, n[0], n[1]).orElseThrow(() -> Failure.precondition(
                    "target table " + q + " does not exist (run: cdc setup)"));
            if (t.key().isEmpty()) {
                throw Failure.precondition("target table " + q + " has no primary key; cdc applies changes by key");
            }
            json.put(t.display(), MySqlCatalog.jsonColumns(h, n[0], n[1]));
            if (key == null) {
                return t;
            }
            local.put(t.display(), t.key().stream().filter(c -> !key.contains(c)).toList());
            return t.keyedBy(key);
        });
    }

    @Override
    public int write(Handle tx, List<ChangeEvent> changes) {
        Map<String, List<ChangeEvent>> deletes = new LinkedHashMap<>();
        Map<String, Map<List<String>, List<ChangeEvent>>> upserts = new LinkedHashMap<>();
        for (ChangeEvent e : changes) {
            if (e.op() == 'd') {
                deletes.computeIfAbsent(e.table(), t -> new ArrayList<>()).add(e);
            } else {
                upserts.computeIfAbsent(e.table(), t -> new LinkedHashMap<>())
                        .computeIfAbsent(e.columns(), c -> new ArrayList<>()).add(e);
            }
        }
        deletes.forEach((table, events) -> delete(tx, table(tx, table, false), events.stream().map(ChangeEvent::key).toList()));
        upserts.forEach((table, byColumns) -> byColumns.forEach((columns, events) -> upsert(tx, table(tx, table, false), columns, events)));
        return changes.size();
    }

    /** Deletes the rows of {@code keys} (JSON objects of the key columns); returns how many were there. */
    static int delete(Handle tx, Table t, List<String> keys) {
        List<Table.Column> key = columns(t, t.key());
        PreparedBatch batch = tx.prepareBatch(Sql.render("mysql/target/delete.sql", Map.of("table", MySqlTargetTable.name(t),
                "key_match", t.key().stream().map(k -> MySqlCapture.ident(k) + " = ?").collect(Collectors.joining(" AND ")))));
        for (String k : keys) {
            JsonNode o = parse(k);
            for (int i = 0; i < key.size(); i++) {
                batch.bind(i, MySqlValues.of(key.get(i), o.get(key.get(i).name())));
            }
            batch.add();
        }
        int n = 0;
        for (int d : batch.execute()) {
            n += Math.max(d, 0);
        }
        return n;
    }

    /**
     * Upserts rows that have {@code columns}: it sets those the target has (the key included), and
     * leaves the others as they are.
     */
    private void upsert(Handle tx, Table t, List<String> columns, List<ChangeEvent> events) {
        List<Table.Column> set = written(t, columns);
        List<Table.Column> rest = set.stream().filter(c -> !t.key().contains(c.name())).toList();
        String update = rest.isEmpty() ? MySqlCapture.ident(t.key().get(0)) + " = " + MySqlCapture.ident(t.key().get(0))
                : rest.stream().map(c -> MySqlCapture.ident(c.name()) + " = VALUES(" + MySqlCapture.ident(c.name()) + ")")
                .collect(Collectors.joining(", "));
        PreparedBatch batch = tx.prepareBatch(Sql.render("mysql/target/upsert.sql", Map.of("table", MySqlTargetTable.name(t),
                "columns", set.stream().map(c -> MySqlCapture.ident(c.name())).collect(Collectors.joining(", ")),
                "values", set.stream().map(c -> "?").collect(Collectors.joining(", ")), "update", update)));
        for (ChangeEvent e : events) {
            bind(batch, t, set, e);
            batch.add();
        }
        batch.execute();
    }

    /** The columns an upsert of rows that have {@code columns} sets: those the table has (the key included), not this side's own. */
    private List<Table.Column> written(Table t, List<String> columns) {
        List<String> own = local.getOrDefault(t.display(), List.of());
        return t.definition().stream()
                .filter(c -> (columns.contains(c.name()) || t.key().contains(c.name())) && !own.contains(c.name())).toList();
    }

    /** Binds the event's values of {@code set}, converted by their types, to the statement's parameters. */
    private void bind(org.jdbi.v3.core.statement.SqlStatement<?> statement, Table t, List<Table.Column> set, ChangeEvent e) {
        java.util.Set<String> jsonColumns = json.getOrDefault(t.display(), java.util.Set.of());
        JsonNode row = parse(e.after());
        for (int i = 0; i < set.size(); i++) {
            Table.Column c = set.get(i);
            statement.bind(i, MySqlValues.of(c, row.get(c.name()), jsonColumns.contains(c.name())));
        }
    }

    /**
     * Two-way sync: inserts the event's row unless its key has a row (waiting for a local writer's
     * insert of it not yet committed); true if it inserted it. One statement per row: MySQL tells
     * a duplicate key only per statement.
     */
    boolean claim(Handle tx, Table t, ChangeEvent e) {
        List<Table.Column> set = written(t, e.columns());
        var insert = tx.createUpdate(Sql.render("mysql/target/insert.sql", Map.of("table", MySqlTargetTable.name(t),
                "columns", set.stream().map(c -> MySqlCapture.ident(c.name())).collect(Collectors.joining(", ")),
                "values", set.stream().map(c -> "?").collect(Collectors.joining(", ")))));
        bind(insert, t, set, e);
        try {
            insert.execute();
            return true;
        } catch (org.jdbi.v3.core.statement.UnableToExecuteStatementException ex) {
            if (dev.cdc.db.Db.errorCode(ex) == DUPLICATE_KEY) {
                return false; // only this statement is undone: the transaction goes on
            }
            throw ex;
        }
    }

    /** MySQL's error for an insert whose key has a row (ER_DUP_ENTRY). */
    private static final int DUPLICATE_KEY = 1062;

    /**
     * Deletes the target rows of the truncated partitions: all of them when every partition was
     * truncated, else those whose key, written as an event's key, falls in one of them.
     */
    @Override
    public int truncate(Handle tx, List<ApplyPlan.Truncate> truncates) {
        int n = 0;
        for (ApplyPlan.Truncate tr : truncates) {
            Table t = table(tx, tr.table(), false);
            String where = tr.source() == null ? "" : Sql.render("mysql/target/of_source.sql",
                    Map.of("source_column", MySqlCapture.ident(Table.SOURCE_COLUMN)));
            if (tr.of().size() == tr.partitions()) {
                var delete = tx.createUpdate(Sql.render("mysql/target/truncate.sql", Map.of("table", MySqlTargetTable.name(t),
                        "where", where)));
                n += (tr.source() == null ? delete : delete.bind("source", tr.source())).execute();
                continue;
            }
            List<String> k = new ArrayList<>(t.key());
            if (tr.source() != null) {
                k.remove(Table.SOURCE_COLUMN);
            }
            List<Table.Column> key = columns(t, k);
            key.stream().filter(c -> !numeric(c) && !textual(c)).findFirst().ifPresent(c -> {
                throw Failure.precondition("a TRUNCATE of " + t.display() + " reached some partitions of its topic before "
                        + "the others, so only the rows of those partitions are to go, picked by their key's partition; on "
                        + "a MySQL target that works for integer, decimal, text, uuid and date keys, and " + c.name()
                        + " is " + c.type() + ". Run one cdc consume for all the topic's partitions, or truncate the "
                        + "target table yourself once every partition reached the TRUNCATE");
            });
            var select = tx.createQuery(Sql.render("mysql/target/truncate_keys.sql", Map.of("table", MySqlTargetTable.name(t),
                    "key", key.stream().map(c -> MySqlCapture.ident(c.name())).collect(Collectors.joining(", ")), "where", where)));
            List<String> doomed = new ArrayList<>();
            (tr.source() == null ? select : select.bind("source", tr.source())).map((rs, ctx) -> {
                ObjectNode o = Json.MAPPER.createObjectNode();
                for (int i = 0; i < key.size(); i++) {
                    String v = rs.getString(i + 1);
                    if (v == null) {
                        o.putNull(key.get(i).name());
                    } else if (numeric(key.get(i))) {
                        o.put(key.get(i).name(), new java.math.BigDecimal(v));
                    } else {
                        o.put(key.get(i).name(), v);
                    }
                }
                String eventKey = EventKey.of(k, Json.write(o));
                if (tr.of().contains(Kafka.partitionFor(eventKey.getBytes(StandardCharsets.UTF_8), tr.partitions()))) {
                    doomed.add(tr.source() == null ? eventKey : ChangeEvent.withSource(tr.source(), eventKey));
                }
                return null;
            }).list();
            if (!doomed.isEmpty()) {
                n += delete(tx, t, doomed);
            }
        }
        return n;
    }

    /**
     * A key column whose text MySQL gives as the producer wrote it, a number: integers, and decimals
     * of a declared scale (numeric without one became DECIMAL(65,30), whose zeros the source lacks).
     */
    private static boolean numeric(Table.Column c) {
        return c.type().equals("smallint") || c.type().equals("integer") || c.type().equals("bigint")
                || c.type().startsWith("numeric") && !c.type().equals("numeric(65,30)");
    }

    /** A key column whose text MySQL gives as the producer wrote it, a string. */
    private static boolean textual(Table.Column c) {
        return c.type().startsWith("character") || c.type().equals("text") || c.type().equals("date");
    }

    /**
     * Adds the announced columns the table lacks. In a two-way sync the capture triggers, which
     * name the table's columns, are made again, so that this side's changes of the new columns go
     * to the other side too.
     */
    @Override
    public void addColumns(Handle h, String qualified, List<Table.Column> announced) {
        if (!MySqlTargetTable.addColumns(h, table(h, qualified, true), announced).isEmpty()) {
            tables.remove(qualified);
            if (key != null) {
                String[] n = Table.parseName(qualified);
                new MySqlCaptures().find(h, n[0], n[1]).ifPresent(c -> h.useTransaction(tx -> MySqlCapture.install(tx, c)));
            }
        }
    }

    @Override
    public void forget() {
        tables.clear();
        json.clear();
    }

    static List<Table.Column> columns(Table t, List<String> names) {
        return names.stream().map(n -> t.definition().stream().filter(c -> c.name().equals(n)).findFirst()
                .orElseThrow(() -> Failure.precondition("target table " + t.display() + " has no column " + n))).toList();
    }

    static JsonNode parse(String json) {
        try {
            return Json.MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("an event's row is not JSON: " + e.getOriginalMessage(), e);
        }
    }
}
