package dev.cdc.postgres;

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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import org.jdbi.v3.core.Handle;

/**
 * Two-way sync on PostgreSQL: the row versions of this side in {@code <changelog>_versions}, read
 * and written with the rows they version (sql/target/lock_rows.sql, read_versions.sql,
 * write_versions.sql, claim_rows.sql), and conflicts recorded in {@code cdc.conflicts}.
 */
final class PgConflicts extends VersionedRows<PgRowWriter.Target> {
    private final Subscription.TwoWay twoWay;
    private final PgRowWriter rows;
    private final String group;
    private final String topic;

    PgConflicts(Subscription.TwoWay twoWay, PgRowWriter rows, String group, String topic) {
        this.twoWay = twoWay;
        this.rows = rows;
        this.group = group;
        this.topic = topic;
    }

    /** Two-way sync: the insert of rows that have {@code columns} whose key has no row yet (claim_rows.sql). */
    private static String claim(PgRowWriter.Target target, List<String> columns) {
        return target.claims().computeIfAbsent(columns, cs -> {
            Table t = target.table();
            List<String> set = PgRowWriter.written(target, cs);
            Map<String, String> v = new HashMap<>();
            v.put("table", t.sqlName());
            v.put("columns", Sql.idents(set));
            v.put("r_columns", Sql.keyList(set, "(r.p)"));
            v.put("r_pk", Sql.keyList(t.key(), "(r.p)"));
            v.put("pk", Sql.idents(t.key()));
            v.put("r_match", Sql.keyMatch(t.key(), "(r.p)", "t"));
            return Sql.render("target/claim_rows.sql", v);
        });
    }

    /** Inserts with claim_rows.sql, which waits for a local writer's insert of the key not yet committed. */
    @Override
    protected Set<Integer> claim(Handle tx, PgRowWriter.Target target, List<ChangeEvent> list, List<Integer> absent) {
        Map<List<String>, List<Integer>> byColumns = new LinkedHashMap<>();
        for (int i : absent) {
            byColumns.computeIfAbsent(list.get(i).columns(), c -> new ArrayList<>()).add(i);
        }
        Set<Integer> claimed = new HashSet<>();
        for (var g : byColumns.entrySet()) {
            StringJoiner rows = new StringJoiner(",", "[", "]");
            g.getValue().forEach(i -> rows.add(list.get(i).after()));
            tx.createQuery(claim(target, g.getKey())).bind("rows", rows.toString()).mapTo(Integer.class)
                    .forEach(ord -> claimed.add(g.getValue().get(ord - 1)));
        }
        return claimed;
    }

    @Override
    protected PgRowWriter.Target target(Handle tx, String table) {
        return rows.target(tx, table);
    }

    @Override
    protected Set<Integer> lockRows(Handle tx, PgRowWriter.Target target, List<ChangeEvent> changes) {
        Set<Integer> existing = new HashSet<>();
        tx.createQuery(Sql.render("target/lock_rows.sql", twoWaySql(target.table()))).bind("keys", keys(changes))
                .mapTo(Integer.class).forEach(ord -> existing.add(ord - 1));
        return existing;
    }

    @Override
    protected List<ConflictRule.Local> versions(Handle tx, PgRowWriter.Target target, List<ChangeEvent> changes) {
        List<ConflictRule.Local> local = new ArrayList<>(Collections.nCopies(changes.size(), ConflictRule.Local.NONE));
        for (Map<String, Object> r : tx.createQuery(Sql.render("target/read_versions.sql", twoWaySql(target.table())))
                .bind("keys", keys(changes)).mapToMap().list()) {
            local.set(((Number) r.get("ord")).intValue() - 1,
                    new ConflictRule.Local(((Number) r.get("cdc_version")).longValue(), (String) r.get("cdc_origin")));
        }
        return local;
    }

    @Override
    protected void delete(Handle tx, PgRowWriter.Target target, List<ChangeEvent> changes) {
        rows.delete(tx, target, keys(changes));
    }

    @Override
    protected Map<Integer, String> localRows(Handle tx, PgRowWriter.Target target, List<ChangeEvent> changes) {
        Map<Integer, String> localRows = new HashMap<>();
        tx.createQuery(Sql.render("target/local_rows.sql", twoWaySql(target.table()))).bind("keys", keys(changes))
                .map((rs, ctx) -> localRows.put(rs.getInt("ord") - 1, rs.getString("row"))).list();
        return localRows;
    }

    @Override
    protected void logConflicts(Handle tx, String conflicts) {
        tx.createUpdate(Sql.load("target/log_conflicts.sql")).bind("group_id", group).bind("topic", topic)
                .bind("conflicts", conflicts).execute();
    }

    /** Two-way sync: stores the versions of the changes applied (key, version, side). */
    @Override
    public void recordVersions(Handle tx, List<ChangeEvent> applied) {
        Map<String, StringJoiner> versions = new LinkedHashMap<>();
        for (ChangeEvent e : applied) {
            String row = Json.withFields(e.key(), "\"cdc_version\":" + ConflictRule.versionOf(e)
                    + ",\"cdc_origin\":" + Json.quoted(ConflictRule.originOf(e)));
            versions.computeIfAbsent(e.table(), t -> new StringJoiner(",", "[", "]")).add(row);
        }
        versions.forEach((table, json) -> tx.createUpdate(Sql.render("target/write_versions.sql",
                twoWaySql(rows.target(tx, table).table()))).bind("rows", json.toString()).execute());
    }

    private static String keys(List<ChangeEvent> changes) {
        StringJoiner keys = new StringJoiner(",", "[", "]");
        changes.forEach(e -> keys.add(e.key()));
        return keys.toString();
    }

    private Map<String, String> twoWaySql(Table t) {
        Map<String, String> v = new HashMap<>();
        v.put("table", t.sqlName());
        v.put("versions", twoWay.versions());
        v.put("pk", Sql.idents(t.key()));
        v.put("pk_match", Sql.keyMatch(t.key(), "t", "k"));
        v.put("v_match", Sql.keyMatch(t.key(), "v", "k"));
        v.put("pk_t", Sql.keyList(t.key(), "t"));
        v.put("pk_v", Sql.keyList(t.key(), "v"));
        return v;
    }
}
