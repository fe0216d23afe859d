package dev.cdc.postgres;

import dev.cdc.base.Failure;
import dev.cdc.base.Json;
import dev.cdc.db.Db;
import dev.cdc.db.Sql;
import dev.cdc.source.Backlog;
import dev.cdc.source.Capture;
import dev.cdc.source.Captures;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/**
 * Capture on PostgreSQL: the changelog, its triggers and the cursor row installed by the files of
 * {@code sql/source/} (install.sql, register.sql, capture.sql and, for partitioned and two-way
 * tables, theirs), found again in {@code cdc.capture}, and removed.
 */
final class PgCaptures implements Captures {

    /**
     * Installs (or refreshes) the changelog, the triggers and the cursor row, in one transaction.
     * Returns what it did, one line per step.
     */
    @Override
    public List<String> install(Handle h, Capture cap) {
        if (cap.table().key().isEmpty()) {
            throw Failure.precondition("table " + cap.table().display() + " has no primary key; cdc keys its events by one ("
                    + Capture.withoutKeyAdvice(cap.table().display()) + ")");
        }
        List<String> done = new ArrayList<>();
        Map<String, Object> kind = h.createQuery(Sql.load("catalog/kind.sql"))
                .bind("schema", cap.table().schema()).bind("name", cap.table().name()).mapToMap().one();
        if (Boolean.TRUE.equals(kind.get("is_partition"))) {
            throw Failure.precondition("table " + cap.table().display() + " is a partition of " + kind.get("parent")
                    + ": capture that table instead (its partitions are captured with it; a partition's own triggers "
                    + "do not see the changes written through the table)");
        }
        if (kind.get("deferrable_key") != null) {
            throw Failure.precondition("table " + cap.table().display() + " has a DEFERRABLE primary key (" + kind.get("deferrable_key")
                    + "): two transactions can then write the same key at once, and their changes could reach the target in "
                    + "the wrong order; make it NOT DEFERRABLE (ALTER TABLE ... ALTER CONSTRAINT ... NOT DEFERRABLE, or drop "
                    + "and add it again) to capture the table");
        }
        boolean partitioned = Boolean.TRUE.equals(kind.get("partitioned"));
        if (partitioned && cap.origin() != null) {
            throw Failure.precondition("table " + cap.table().display() + " is partitioned: two-way sync of a partitioned table "
                    + "is not supported");
        }
        h.useTransaction(tx -> {
            boolean existed = PgCatalog.table(tx, cap.changelogSchema(), cap.changelogName()).isPresent();
            tx.execute(Sql.load("source/install.sql"));
            int id = tx.createQuery(Sql.render("source/register.sql", new PgCaptureSql(cap).values())).mapTo(Integer.class).one();
            Map<String, String> sql = new PgCaptureSql(cap.withLockId(id)).values();
            if (partitioned) {
                sql.put("member_check", Sql.render("source/member_check.sql", sql));
            }
            tx.execute(Sql.render("source/capture.sql", sql));
            if (cap.origin() == null) {
                tx.execute(Sql.render("source/fire_always.sql", sql));
            }
            if (partitioned) {
                tx.execute(Sql.render("source/partitioned.sql", sql));
                // partitions new since an earlier setup bring their rows (a first setup's snapshot copies them all)
                int equipped = tx.createQuery(Sql.render("source/equip_partitions.sql", sql)).bind("copy", existed)
                        .mapTo(Integer.class).one();
                done.add("partitioned table " + cap.table().display() + ": " + equipped + " partition(s) given the capture triggers"
                        + (existed && equipped > 0 ? ", their rows copied into the changelog" : ""));
                if (Db.isSuperuser(tx)) {
                    tx.execute(Sql.load("source/partition_ddl.sql"));
                } else {
                    done.add("WARNING: partitions of " + cap.table().display() + " created or attached later are captured only once "
                            + "cdc setup runs again (the event trigger that equips them at once needs a superuser)");
                }
            }
            if (cap.origin() != null) {
                tx.execute(Sql.render("source/two_way.sql", sql));
            }
            done.add(existed
                    ? "changelog " + cap.changelogDisplay() + " already installed; triggers refreshed, cursor kept"
                    : "changelog " + cap.changelogDisplay() + " and capture triggers on " + cap.table().display() + " installed");
        });
        return done;
    }

    @Override
    public String versions(Capture capture) {
        return new PgCaptureSql(capture).versions();
    }

    /**
     * Grants a role what cdc produce and cdc status need on this table's capture (grant_produce.sql),
     * including the right to vacuum the changelog where the server has it (PostgreSQL 17).
     */
    @Override
    public void grantProducer(Handle h, Capture cap, String role) {
        Map<String, String> v = new PgCaptureSql(cap).values();
        v.put("role", Sql.ident(role));
        h.execute(Sql.render("source/grant_produce.sql", v));
        if (Db.serverAtLeast(h, 170000)) {
            h.execute(Sql.render("source/grant_maintain.sql", v));
        }
    }
    @Override
    public List<Cursor> cursors(Handle h) {
        return h.createQuery(Sql.load("source/status.sql")).map((rs, ctx) -> new Cursor(rs.getString("table_schema"),
                rs.getString("table_name"), rs.getLong("window_id"), rs.getLong("published"), instant(rs.getTimestamp("published_at")),
                instant(rs.getTimestamp("now")), (Integer) rs.getObject("producer_pid"), rs.getString("producer_host"),
                instant(rs.getTimestamp("producer_since")))).list();
    }

    private static java.time.Instant instant(java.sql.Timestamp t) {
        return t == null ? null : t.toInstant();
    }

    @Override
    public Backlog backlog(Handle h, Capture cap) {
        Map<String, Object> r = h.createQuery(Sql.render("source/backlog.sql", new PgCaptureSql(cap).values())).mapToMap().one();
        return new Backlog(((Number) r.get("events")).longValue(),
                r.get("oldest_seconds") == null ? null : ((Number) r.get("oldest_seconds")).doubleValue());
    }
    /** Removes the triggers, functions, changelog and cursor; the table and its rows stay. */
    @Override
    public void uninstall(Handle h, Capture cap) {
        h.useTransaction(tx -> tx.execute(Sql.render("source/uninstall.sql", new PgCaptureSql(cap).values())));
    }
    /** The capture of a table, as installed on the source; a missing one is a {@link Failure}. */
    @Override
    public Capture load(Handle h, Db source, String schema, String name) {
        return source.explaining(() -> find(h, schema, name)).orElseThrow(() -> Failure.precondition("capture of " + schema + "." + name
                + " is not installed on the " + source.where() + " (run: cdc setup"
                + (Capture.isDemo(schema, name) ? "" : " --table " + schema + "." + name) + ")"));
    }
    /** The capture of a table, as installed on the source, if it is. */
    @Override
    public Optional<Capture> find(Handle h, String schema, String name) {
        return installed(h) ? list(h, schema, name).stream().findFirst() : Optional.empty();
    }
    /** Every table captured on the source; a source without capture is a {@link Failure}. */
    @Override
    public List<Capture> all(Handle h, Db source) {
        List<Capture> all = captured(h, source);
        if (all.isEmpty()) {
            throw Failure.precondition("capture is not installed on the " + source.where() + ": no table is captured (run: cdc setup)");
        }
        return all;
    }
    @Override
    public List<Capture> captured(Handle h, Db source) {
        return source.explaining(() -> installed(h) ? list(h, null, null) : List.<Capture>of());
    }

    /** The captures recorded in cdc.capture (all, or the named table's) whose table still exists. */
    private static List<Capture> list(Handle h, String schema, String name) {
        List<Capture> captures = new ArrayList<>();
        for (Map<String, Object> r : h.createQuery(Sql.load("source/list_captures.sql"))
                .bind("schema", schema).bind("table", name).mapToMap().list()) {
            String s = (String) r.get("table_schema");
            String t = (String) r.get("table_name");
            List<String> key = r.get("key_columns") == null ? null : Json.stringList((String) r.get("key_columns"));
            PgCatalog.table(h, s, t).ifPresent(table -> captures.add(new Capture(Capture.keyedAsRecorded(table, key), (String) r.get("changelog_schema"),
                    (String) r.get("changelog_name"), r.get("topic") != null ? (String) r.get("topic") : Capture.defaultTopic(s, t),
                    (String) r.get("origin"), r.get("lock_id") == null ? null : ((Number) r.get("lock_id")).intValue())));
        }
        return captures;
    }
    private static boolean installed(Handle h) {
        return Db.relationExists(h, "cdc.capture");
    }

    @Override
    public long snapshot(Handle h, Capture capture, long progressMillis) {
        return PgSnapshot.run(h, capture, progressMillis);
    }
}
