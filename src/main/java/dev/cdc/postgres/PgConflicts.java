package dev.cdc.postgres;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cdc.base.Json;
import dev.cdc.db.Sql;
import dev.cdc.db.Table;
import dev.cdc.event.ChangeEvent;
import dev.cdc.target.ConflictResolver;
import dev.cdc.target.Subscription;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import org.jdbi.v3.core.Handle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Two-way sync on PostgreSQL: the row versions of this side in {@code <changelog>_versions}, read
 * and written with the rows they version (sql/target/lock_rows.sql, read_versions.sql,
 * write_versions.sql, claim_rows.sql), and conflicts recorded in {@code cdc.conflicts}.
 */
final class PgConflicts implements ConflictResolver {
    private static final Logger log = LoggerFactory.getLogger("cdc.consume");
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

    /**
     * Two-way sync: inserts the incoming rows at {@code absent} (places in {@code list} whose key had
     * no row) unless a local writer inserted the key meanwhile (claim_rows.sql waits for one that has
     * not committed yet); returns the places of the rows it inserted.
     */
    private Set<Integer> claim(Handle tx, PgRowWriter.Target target, List<ChangeEvent> list, List<Integer> absent) {
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

    /**
     * Two-way sync: the changes that win against the local versions of their rows. A change made
     * on the same side as the local version follows it (events of a side come in order); one from
     * the other side wins when its version is later, or equal and its side's name sorts first.
     * A change that loses is a conflict: the other side made it without knowing of the local
     * change (it would have made its version later, see two_way.sql), and that side, receiving the
     * local change, takes it. Each is recorded with both versions in cdc.conflicts and logged. A
     * change without a version (a snapshot's) fills only rows that have none here.
     */
    @Override
    public List<ChangeEvent> resolve(Handle tx, List<ChangeEvent> changes) {
        Map<String, List<ChangeEvent>> byTable = new LinkedHashMap<>();
        changes.forEach(e -> byTable.computeIfAbsent(e.table(), t -> new ArrayList<>()).add(e));
        List<ChangeEvent> kept = new ArrayList<>(changes.size());
        for (var entry : byTable.entrySet()) {
            List<ChangeEvent> list = entry.getValue();
            PgRowWriter.Target target = rows.target(tx, entry.getKey());
            Map<String, String> sql = twoWaySql(target.table());
            String keys = keys(list);
            // rows first, then versions: the writers' order
            String lockRows = Sql.render("target/lock_rows.sql", sql);
            Set<Integer> existing = new HashSet<>(tx.createQuery(lockRows).bind("keys", keys).mapTo(Integer.class).list());
            List<Integer> absent = new ArrayList<>();
            for (int i = 0; i < list.size(); i++) {
                if (list.get(i).after() != null && !existing.contains(i + 1)) {
                    absent.add(i);
                }
            }
            Set<Integer> claimed = claim(tx, target, list, absent);
            if (claimed.size() < absent.size()) { // inserted here meanwhile, and committed: lock those too
                tx.createQuery(lockRows).bind("keys", keys).mapTo(Integer.class).list();
            }
            long[] localVersion = new long[list.size()];
            String[] localOrigin = new String[list.size()];
            for (Map<String, Object> r : tx.createQuery(Sql.render("target/read_versions.sql", sql)).bind("keys", keys)
                    .mapToMap().list()) {
                int i = ((Number) r.get("ord")).intValue() - 1;
                localVersion[i] = ((Number) r.get("cdc_version")).longValue();
                localOrigin[i] = (String) r.get("cdc_origin");
            }
            List<Integer> lost = new ArrayList<>();
            for (int i = 0; i < list.size(); i++) {
                ChangeEvent e = list.get(i);
                String origin = e.sourceName() == null ? "" : e.sourceName();
                if (localOrigin[i] == null || localOrigin[i].equals(origin)) {
                    kept.add(e);
                } else if (e.version() >= 0 && (e.version() > localVersion[i]
                        || e.version() == localVersion[i] && origin.compareTo(localOrigin[i]) < 0)) {
                    kept.add(e);
                } else if (e.version() >= 0) {
                    lost.add(i);
                }
            }
            List<ChangeEvent> unclaim = lost.stream().filter(claimed::contains).map(list::get).toList();
            if (!unclaim.isEmpty()) { // inserted above, and lost against a local delete: gone again
                rows.delete(tx, target, keys(unclaim));
            }
            if (!lost.isEmpty()) {
                logConflicts(tx, sql, lost.stream().map(list::get).toList(),
                        lost.stream().map(i -> localOrigin[i]).toList(), lost.stream().map(i -> localVersion[i]).toList());
            }
        }
        return kept;
    }

    private void logConflicts(Handle tx, Map<String, String> sql, List<ChangeEvent> lost, List<String> localOrigin,
                              List<Long> localVersion) {
        Map<Integer, String> localRows = new HashMap<>();
        tx.createQuery(Sql.render("target/local_rows.sql", sql)).bind("keys", keys(lost))
                .map((rs, ctx) -> localRows.put(rs.getInt("ord") - 1, rs.getString("row"))).list();
        ArrayNode rows = Json.MAPPER.createArrayNode();
        for (int i = 0; i < lost.size(); i++) {
            ChangeEvent e = lost.get(i);
            String local = localRows.get(i);
            try {
                rows.addObject().put("table_name", e.table()).<ObjectNode>set("key", Json.MAPPER.readTree(e.key()))
                        .put("local_origin", localOrigin.get(i)).put("local_version", localVersion.get(i))
                        .<ObjectNode>set("local_row", local == null ? null : Json.MAPPER.readTree(local))
                        .put("incoming_origin", e.sourceName()).put("incoming_version", e.version())
                        .set("incoming_row", e.after() == null ? null : Json.MAPPER.readTree(e.after()));
            } catch (com.fasterxml.jackson.core.JsonProcessingException ex) {
                throw new IllegalStateException(ex);
            }
            log.warn("conflict on {} {}: kept the version of {} ({}) over the later-arriving one of {} ({}); "
                            + "local row {}, incoming row {}", e.table(), e.key(), localOrigin.get(i),
                    Instant.EPOCH.plusNanos(localVersion.get(i) * 1000), e.sourceName(),
                    Instant.EPOCH.plusNanos(e.version() * 1000), excerpt(local), excerpt(e.after()));
        }
        tx.createUpdate(Sql.load("target/log_conflicts.sql")).bind("group_id", group).bind("topic", topic)
                .bind("conflicts", Json.write(rows)).execute();
    }

    private static String excerpt(String row) {
        return row == null ? "(deleted)" : row.length() > 300 ? row.substring(0, 300) + "..." : row;
    }

    /** Two-way sync: stores the versions of the changes applied (key, version, side). */
    @Override
    public void recordVersions(Handle tx, List<ChangeEvent> applied) {
        Map<String, StringJoiner> versions = new LinkedHashMap<>();
        for (ChangeEvent e : applied) {
            String row = Json.withFields(e.key(), "\"cdc_version\":" + Math.max(0, e.version())
                    + ",\"cdc_origin\":" + Json.quoted(e.sourceName() == null ? "" : e.sourceName()));
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
