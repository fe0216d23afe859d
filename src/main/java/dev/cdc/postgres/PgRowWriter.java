package dev.cdc.postgres;

import dev.cdc.base.Failure;
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
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import org.jdbi.v3.core.Handle;

/**
 * Writes rows into PostgreSQL target tables: a whole batch's rows of a table as one JSON
 * parameter, turned into rows by the server (sql/target/upsert.sql, delete.sql). The rows stay
 * PostgreSQL's JSON text: json columns keep their exact text, numbers their digits.
 */
final class PgRowWriter implements RowWriter {
    /** A truncate deletes the keys of its partitions' rows in statements of this many keys. */
    private static final int DELETE_CHUNK = 10_000;

    /**
     * The apply statements for one target table; upserts by the columns they set. {@code local}:
     * the primary key columns this side assigns itself (two-way sync with --key), never written.
     */
    record Target(Table table, Set<String> local, Map<List<String>, String> upserts, Map<List<String>, String> claims,
                  String delete) {
    }

    private final Map<String, Target> targets = new HashMap<>();
    /** Two-way sync with --key: the columns rows are related by; null: the primary key. */
    private final List<String> key;
    private final boolean generatedExpressions;

    PgRowWriter(List<String> key, boolean generatedExpressions) {
        this.key = key;
        this.generatedExpressions = generatedExpressions;
    }

    @Override
    public Table table(Handle h, String qualified, boolean reread) {
        if (reread) {
            targets.remove(qualified);
        }
        return target(h, qualified).table();
    }

    Target target(Handle h, String qualified) {
        return targets.computeIfAbsent(qualified, q -> {
            Table catalog = existing(h, q);
            if (catalog.key().isEmpty()) {
                throw Failure.precondition("target table " + q + " has no primary key; cdc applies changes by key");
            }
            Table t = catalog.keyedBy(key);
            Set<String> local = new HashSet<>(catalog.key());
            local.removeAll(t.key());
            Map<String, String> v = new HashMap<>();
            v.put("table", t.sqlName());
            v.put("pk_match", Sql.keyMatch(t.key(), "t", "k"));
            return new Target(t, Set.copyOf(local), new HashMap<>(), new HashMap<>(), Sql.render("target/delete.sql", v));
        });
    }

    /** The target table an event names ("schema.table"); a missing one is a {@link Failure}. */
    private static Table existing(Handle h, String qualified) {
        String[] n = Table.parseName(qualified);
        return PgCatalog.table(h, n[0], n[1]).orElseThrow(() -> Failure.precondition(
                "target table " + qualified + " does not exist (run: cdc setup)"));
    }

    @Override
    public int write(Handle tx, List<ChangeEvent> changes) {
        Map<String, StringJoiner> deletes = new LinkedHashMap<>();
        Map<String, Map<List<String>, StringJoiner>> upserts = new LinkedHashMap<>();
        for (ChangeEvent e : changes) {
            if (e.op() == 'd') {
                deletes.computeIfAbsent(e.table(), t -> new StringJoiner(",", "[", "]")).add(e.key());
            } else {
                upserts.computeIfAbsent(e.table(), t -> new LinkedHashMap<>())
                        .computeIfAbsent(e.columns(), c -> new StringJoiner(",", "[", "]")).add(e.after());
            }
        }
        for (var d : deletes.entrySet()) {
            tx.createUpdate(target(tx, d.getKey()).delete()).bind("keys", d.getValue().toString()).execute();
        }
        for (var u : upserts.entrySet()) {
            Target t = target(tx, u.getKey());
            for (var rows : u.getValue().entrySet()) {
                tx.createUpdate(upsert(t, rows.getKey())).bind("rows", rows.getValue().toString()).execute();
            }
        }
        return changes.size();
    }

    /** Deletes the rows of {@code keys} (a JSON array of key objects) from the table. */
    int delete(Handle tx, Target t, String keys) {
        return tx.createUpdate(t.delete()).bind("keys", keys).execute();
    }

    /**
     * Deletes the target rows of the truncated partitions: all of them when every partition was
     * truncated, else those whose key, written as the producer writes it, falls in one of them.
     */
    @Override
    public int truncate(Handle tx, List<ApplyPlan.Truncate> truncates) {
        int n = 0;
        for (ApplyPlan.Truncate tr : truncates) {
            Target t = target(tx, tr.table());
            Map<String, String> v = new HashMap<>();
            v.put("table", t.table().sqlName());
            // in a consolidated table, only the truncated source's rows
            v.put("where", tr.source() == null ? "" : Sql.render("target/of_source.sql",
                    Map.of("source_column", Sql.ident(Table.SOURCE_COLUMN))));
            if (tr.of().size() == tr.partitions()) {
                var delete = tx.createUpdate(Sql.render("target/truncate.sql", v));
                n += (tr.source() == null ? delete : delete.bind("source", tr.source())).execute();
                continue;
            }
            for (String setting : t.table().keySettings()) { // the key text as the trigger wrote it; until commit
                tx.execute(Sql.render("set_local.sql", Map.of("setting", setting)));
            }
            List<String> k = new ArrayList<>(t.table().key()); // as the source's producer wrote it
            if (tr.source() != null) {
                k.remove(Table.SOURCE_COLUMN);
            }
            v.put("key", Sql.idents(k));
            var keys = tx.createQuery(Sql.render("target/truncate_keys.sql", v)).setFetchSize(DELETE_CHUNK);
            StringJoiner doomed = new StringJoiner(",", "[", "]");
            int pending = 0;
            try (var it = (tr.source() == null ? keys : keys.bind("source", tr.source())).mapTo(String.class).iterator()) {
                while (it.hasNext()) {
                    String key = EventKey.of(k, it.next());
                    if (tr.of().contains(Kafka.partitionFor(key.getBytes(StandardCharsets.UTF_8), tr.partitions()))) {
                        doomed.add(tr.source() == null ? key : ChangeEvent.withSource(tr.source(), key));
                        if (++pending == DELETE_CHUNK) {
                            n += delete(tx, t, doomed.toString());
                            doomed = new StringJoiner(",", "[", "]");
                            pending = 0;
                        }
                    }
                }
            }
            if (pending > 0) {
                n += delete(tx, t, doomed.toString());
            }
        }
        return n;
    }

    @Override
    public void addColumns(Handle h, String qualified, List<Table.Column> announced) {
        if (!TargetTable.addColumns(h, existing(h, qualified), announced, generatedExpressions).isEmpty()) {
            targets.remove(qualified);
        }
    }

    @Override
    public void forget() {
        targets.clear();
    }

    /**
     * The upsert of rows that have {@code columns}: it sets those the target has and does not
     * compute (a generated column computes its own value) or assign itself (its own primary key,
     * two-way sync with --key: a new row gets it from its default), and leaves the others as they are.
     */
    private static String upsert(Target target, List<String> columns) {
        return target.upserts().computeIfAbsent(columns, cs -> {
            Table t = target.table();
            List<String> set = written(target, cs);
            List<String> rest = new ArrayList<>(set);
            rest.removeAll(t.key());
            Map<String, String> v = new HashMap<>();
            v.put("table", t.sqlName());
            v.put("columns", Sql.idents(set));
            v.put("pk", Sql.idents(t.key()));
            v.put("on_conflict", rest.isEmpty() ? "NOTHING" : "UPDATE SET " + String.join(", ",
                    rest.stream().map(c -> Sql.ident(c) + " = EXCLUDED." + Sql.ident(c)).toList()));
            return Sql.render("target/upsert.sql", v);
        });
    }

    /** The columns an upsert of rows that have {@code columns} writes (see {@link #upsert}). */
    static List<String> written(Target target, List<String> columns) {
        Table t = target.table();
        return t.definition().stream()
                .filter(c -> c.generated() == null && !target.local().contains(c.name())
                        && (columns.contains(c.name()) || t.key().contains(c.name())))
                .map(Table.Column::name).toList();
    }
}
