package dev.cdc.source;

import dev.cdc.base.Failure;
import dev.cdc.base.Json;
import dev.cdc.db.Db;
import dev.cdc.db.Sql;
import dev.cdc.db.Table;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Handle;

/**
 * A captured table on the source and its changelog: installs the capture, and fills in the
 * table-specific parts of the SQL in {@code sql/source/}. {@code origin}: for two-way sync, the
 * name of this side (its changes' versions are kept, see {@code two_way.sql}); else null. The
 * table's key is what events are keyed by: its primary key, or for two-way sync the columns that
 * relate rows across sides ({@link Table#keyedBy}, recorded in cdc.capture.key_columns).
 */
public record Capture(Table table, String changelogSchema, String changelogName, String topic, String origin, Integer lockId) {
    /** A statement's changes are written in changelog rows of about this many bytes at most. */
    static final long CHUNK_BYTES = 16_000_000;
    /** The first key of the advisory lock a busy producer holds. */
    static final int WAKE_LOCK_CLASS = 0x0cdd;

    /** The capture of a table under the default names. */
    public static Capture of(Table table) {
        return of(table, null, null);
    }

    /**
     * The capture of a table; a null name takes the default: the changelog {@code <table>_cdc} in
     * the table's schema and the topic {@code <schema>.<table>} (characters Kafka does not allow
     * become {@code _}). The demo table keeps its historical names, {@code emp_cdc} and
     * {@code employee_cdc}.
     */
    public static Capture of(Table table, String changelog, String topic) {
        return of(table, changelog, topic, null);
    }

    /** The same, for two-way sync when {@code origin} (this side's name) is not null. */
    public static Capture of(Table table, String changelog, String topic, String origin) {
        boolean demo = isDemo(table.schema(), table.name());
        if (changelog != null && Sql.bytes(changelog) > Sql.NAME_BYTES) {
            throw Failure.usage("--changelog " + changelog + " is longer than the " + Sql.NAME_BYTES
                    + " bytes PostgreSQL keeps of a name; choose a shorter one");
        }
        return new Capture(table, table.schema(), changelog != null ? changelog : demo ? "emp_cdc" : Sql.fitName(table.name(), "_cdc"),
                topic != null ? topic : defaultTopic(table.schema(), table.name()), origin, null);
    }

    /**
     * The same capture with its number in cdc.capture (lock_id): unique per captured table of the
     * database, it is the second key of the producer's advisory lock and of the wake lock.
     */
    public Capture withLockId(int id) {
        return new Capture(table, changelogSchema, changelogName, topic, origin, id);
    }

    /** The default topic of a table's events. */
    public static String defaultTopic(String schema, String name) {
        return isDemo(schema, name) ? "employee_cdc" : (schema + "." + name).replaceAll("[^A-Za-z0-9._-]", "_");
    }

    private static boolean isDemo(String schema, String name) {
        return schema.equals("public") && name.equals("employees");
    }

    public String changelog() {
        return Sql.ident(changelogSchema, changelogName);
    }

    /** Where produce --retain keeps published changelog rows for a while. */
    public String retained() {
        return Sql.ident(changelogSchema, retainedName());
    }

    /** Two-way sync: the version of every row on this side (two_way.sql). */
    public String versions() {
        return Sql.ident(changelogSchema, versionsName());
    }

    /** The name of the table of versions, in the changelog's schema. */
    public String versionsName() {
        return Sql.fitName(changelogName, "_versions");
    }

    /** The name of the table of retained rows, in the changelog's schema. */
    public String retainedName() {
        return Sql.fitName(changelogName, "_retained");
    }

    public String changelogDisplay() {
        return changelogSchema + "." + changelogName;
    }

    /**
     * The arguments of the advisory lock a busy producer holds, so that the triggers do not notify
     * it (see capture.sql).
     */
    public String wakeLock() {
        return WAKE_LOCK_CLASS + ", " + requireLockId();
    }

    /** The number of this capture in cdc.capture; a capture installed by a cdc before it had one must be set up again. */
    public int requireLockId() {
        if (lockId == null) {
            throw installedByOlderCdc();
        }
        return lockId;
    }

    /** This capture lacks what the current cdc installs: cdc setup must run again. */
    public Failure installedByOlderCdc() {
        return Failure.precondition("capture of " + table.display() + " was installed by an older cdc; run cdc setup --table "
                + table.display() + " again to upgrade it (the cursor is kept)");
    }

    /** The LISTEN/NOTIFY channel the triggers signal on (pg_notify refuses one of 64 bytes or more). */
    public String channel() {
        return Sql.fitName(changelogDisplay(), "");
    }

    /** Values for the placeholders of the {@code sql/source/} files. */
    public Map<String, String> sql() {
        Map<String, String> v = new HashMap<>();
        v.put("table", table.sqlName());
        v.put("changelog", changelog());
        v.put("retained", retained());
        v.put("changelog_lit", Sql.literal(changelog()));
        v.put("retained_lit", Sql.literal(retained()));
        v.put("schema_lit", Sql.literal(table.schema()));
        v.put("table_lit", Sql.literal(table.name()));
        v.put("changelog_schema_lit", Sql.literal(changelogSchema));
        v.put("changelog_name_lit", Sql.literal(changelogName));
        v.put("channel_lit", Sql.literal(channel()));
        v.put("topic_lit", Sql.literal(topic));
        v.put("fn_write", function("write"));
        v.put("fn_delete", function("delete"));
        v.put("fn_truncate", function("truncate"));
        v.put("fn_no_truncate", function("no_truncate"));
        v.put("fn_truncate_before", function("truncate_before"));
        v.put("fn_partitions", function("partitions"));
        v.put("fn_partitions_lit", Sql.literal(function("partitions")));
        v.put("root", Sql.literal(table.sqlName()) + "::regclass");
        v.put("member", "(TG_RELID = " + v.get("root") + " OR EXISTS (SELECT FROM pg_partition_ancestors(TG_RELID) a WHERE a.relid = "
                + v.get("root") + "))");
        v.put("member_check", "");
        v.put("columns_lit", Sql.literal(table.definitionJson()));
        String n = alias("n");
        String o = alias("o");
        v.put("n", n);
        v.put("o", o);
        v.put("old_keys", keyColumns(o + "."));
        v.put("chunk_keys", keyColumns("(c.r)."));
        v.put("old_key_size", table.key().stream().map(c -> "pg_column_size(" + o + "." + Sql.ident(c) + ")")
                .collect(Collectors.joining(" + ")));
        v.put("pk_join", Sql.keyMatch(table.key(), n, o));
        v.put("pk_n", keyList(n));
        v.put("pk_k", keyList("k"));
        v.put("pk_u", keyList("u"));
        v.put("key_json", table.key().stream().map(c -> Sql.literal(c) + ", " + n + "." + Sql.ident(c))
                .collect(Collectors.joining(", ", "json_build_object(", ")::text")));
        v.put("chunk_bytes", Long.toString(CHUNK_BYTES));
        if (lockId != null) { // known once installed (capture.sql needs it)
            v.put("wake_lock", wakeLock());
        }
        v.put("fn_settings", rowSettings());
        v.put("changelog_schema", Sql.ident(changelogSchema));
        v.put("versions", versions());
        v.put("versions_key", table.definition().stream().filter(c -> table.key().contains(c.name()))
                .map(c -> Sql.ident(c.name()) + " " + c.type() + " NOT NULL").collect(Collectors.joining(", ")));
        v.put("pk", Sql.idents(table.key()));
        v.put("pk_o", keyList(o));
        v.put("v_join_n", Sql.keyMatch(table.key(), "v", n));
        v.put("v_join_o", Sql.keyMatch(table.key(), "v", o));
        v.put("origin_lit", origin == null ? "NULL" : Sql.literal(origin));
        v.put("key_columns_lit", origin == null ? "NULL" : Sql.literal(Json.write(table.key())));
        v.put("two_way_write", origin == null ? "" : Sql.render("source/two_way_write.sql", v));
        v.put("two_way_delete", origin == null ? "" : Sql.render("source/two_way_delete.sql", v));
        return v;
    }

    /**
     * The Kafka key is the key columns' JSON text and the row its JSON text, so neither may depend on
     * the writing session: for a table with a type whose text depends on a setting, the trigger
     * functions fix it for their own run (a SET clause costs every statement a little, so other
     * tables go without). See {@link Table#rowSettings}.
     */
    private String rowSettings() {
        return table.rowSettings().stream().map(s -> "SET " + s).collect(Collectors.joining(" "));
    }

    /**
     * A table alias no column is named like: in {@code row_to_json(n)}, a column named n would be
     * taken instead of the row.
     */
    private String alias(String base) {
        String a = base;
        while (table.columns().contains(a)) {
            a += "_";
        }
        return a;
    }

    private String function(String op) {
        return Sql.ident("cdc", Sql.fitName(changelogSchema + "." + changelogName, "_" + op));
    }

    /** {@code alias.a, alias.b}: the key columns of a row. */
    private String keyList(String alias) {
        return Sql.keyList(table.key(), alias);
    }

    /** {@code json_build_object('a', json_agg(<row>.a), ...)} over the key columns: keys column by column. */
    private String keyColumns(String row) {
        return table.key().stream().map(c -> Sql.literal(c) + ", json_agg(" + row + Sql.ident(c) + ")")
                .collect(Collectors.joining(", ", "json_build_object(", ")"));
    }

    /**
     * Installs (or refreshes) the changelog, the triggers and the cursor row, in one transaction.
     * Returns what it did, one line per step.
     */
    public List<String> install(Handle h) {
        if (table.key().isEmpty()) {
            throw Failure.precondition("table " + table.display() + " has no primary key; cdc needs one to key its events");
        }
        List<String> done = new ArrayList<>();
        Map<String, Object> kind = h.createQuery(Sql.load("catalog/kind.sql"))
                .bind("schema", table.schema()).bind("name", table.name()).mapToMap().one();
        if (Boolean.TRUE.equals(kind.get("is_partition"))) {
            throw Failure.precondition("table " + table.display() + " is a partition of " + kind.get("parent")
                    + ": capture that table instead (its partitions are captured with it; a partition's own triggers "
                    + "do not see the changes written through the table)");
        }
        if (kind.get("deferrable_key") != null) {
            throw Failure.precondition("table " + table.display() + " has a DEFERRABLE primary key (" + kind.get("deferrable_key")
                    + "): two transactions can then write the same key at once, and their changes could reach the target in "
                    + "the wrong order; make it NOT DEFERRABLE (ALTER TABLE ... ALTER CONSTRAINT ... NOT DEFERRABLE, or drop "
                    + "and add it again) to capture the table");
        }
        boolean partitioned = Boolean.TRUE.equals(kind.get("partitioned"));
        if (partitioned && origin != null) {
            throw Failure.precondition("table " + table.display() + " is partitioned: two-way sync of a partitioned table "
                    + "is not supported");
        }
        h.useTransaction(tx -> {
            boolean existed = Table.find(tx, changelogSchema, changelogName).isPresent();
            tx.execute(Sql.load("source/install.sql"));
            int id = tx.createQuery(Sql.render("source/register.sql", sql())).mapTo(Integer.class).one();
            Map<String, String> sql = withLockId(id).sql();
            if (partitioned) {
                sql.put("member_check", Sql.render("source/member_check.sql", sql));
            }
            tx.execute(Sql.render("source/capture.sql", sql));
            if (origin == null) {
                tx.execute(Sql.render("source/fire_always.sql", sql));
            }
            if (partitioned) {
                tx.execute(Sql.render("source/partitioned.sql", sql));
                // partitions new since an earlier setup bring their rows (a first setup's snapshot copies them all)
                int equipped = tx.createQuery(Sql.render("source/equip_partitions.sql", sql)).bind("copy", existed)
                        .mapTo(Integer.class).one();
                done.add("partitioned table " + table.display() + ": " + equipped + " partition(s) given the capture triggers"
                        + (existed && equipped > 0 ? ", their rows copied into the changelog" : ""));
                if (Db.isSuperuser(tx)) {
                    tx.execute(Sql.load("source/partition_ddl.sql"));
                } else {
                    done.add("WARNING: partitions of " + table.display() + " created or attached later are captured only once "
                            + "cdc setup runs again (the event trigger that equips them at once needs a superuser)");
                }
            }
            if (origin != null) {
                tx.execute(Sql.render("source/two_way.sql", sql));
            }
            done.add(existed
                    ? "changelog " + changelogDisplay() + " already installed; triggers refreshed, cursor kept"
                    : "changelog " + changelogDisplay() + " and capture triggers on " + table.display() + " installed");
        });
        return done;
    }

    /**
     * Grants a role what cdc produce and cdc status need on this table's capture (grant_produce.sql),
     * including the right to vacuum the changelog where the server has it (PostgreSQL 17).
     */
    public void grantProducer(Handle h, String role) {
        Map<String, String> v = sql();
        v.put("role", Sql.ident(role));
        h.execute(Sql.render("source/grant_produce.sql", v));
        if (Db.serverAtLeast(h, 170000)) {
            h.execute(Sql.render("source/grant_maintain.sql", v));
        }
    }

    /** The changes in the changelog not yet published, and the age of the oldest (null: none). */
    public record Backlog(long events, Double oldestSeconds) {
    }

    public Backlog backlog(Handle h) {
        Map<String, Object> r = h.createQuery(Sql.render("source/backlog.sql", sql())).mapToMap().one();
        return new Backlog(((Number) r.get("events")).longValue(),
                r.get("oldest_seconds") == null ? null : ((Number) r.get("oldest_seconds")).doubleValue());
    }

    /** Removes the triggers, functions, changelog and cursor; the table and its rows stay. */
    public void uninstall(Handle h) {
        h.useTransaction(tx -> tx.execute(Sql.render("source/uninstall.sql", sql())));
    }

    /** The capture of a table, as installed on the source; a missing one is a {@link Failure}. */
    public static Capture load(Handle h, Db source, String schema, String name) {
        return source.explaining(() -> find(h, schema, name)).orElseThrow(() -> Failure.precondition("capture of " + schema + "." + name
                + " is not installed on the " + source.where() + " (run: cdc setup"
                + (isDemo(schema, name) ? "" : " --table " + schema + "." + name) + ")"));
    }

    /** The captures of the named tables ("schema.table"); one not captured is a {@link Failure}. */
    public static List<Capture> load(Handle h, Db source, List<String> names) {
        List<Capture> captures = new ArrayList<>();
        for (String name : names) {
            String[] n = Table.parseName(name);
            captures.add(load(h, source, n[0], n[1]));
        }
        return captures;
    }

    /** The capture of a table, as installed on the source, if it is. */
    public static Optional<Capture> find(Handle h, String schema, String name) {
        return installed(h) ? list(h, schema, name).stream().findFirst() : Optional.empty();
    }

    /** Every table captured on the source; a source without capture is a {@link Failure}. */
    public static List<Capture> all(Handle h, Db source) {
        List<Capture> all = source.explaining(() -> installed(h) ? list(h, null, null) : List.<Capture>of());
        if (all.isEmpty()) {
            throw Failure.precondition("capture is not installed on the " + source.where() + ": no table is captured (run: cdc setup)");
        }
        return all;
    }

    /** The captures recorded in cdc.capture (all, or the named table's) whose table still exists. */
    private static List<Capture> list(Handle h, String schema, String name) {
        List<Capture> captures = new ArrayList<>();
        for (Map<String, Object> r : h.createQuery(Sql.load("source/list_captures.sql"))
                .bind("schema", schema).bind("table", name).mapToMap().list()) {
            String s = (String) r.get("table_schema");
            String t = (String) r.get("table_name");
            List<String> key = r.get("key_columns") == null ? null : Json.stringList((String) r.get("key_columns"));
            Table.find(h, s, t).ifPresent(table -> captures.add(new Capture(table.keyedBy(key), (String) r.get("changelog_schema"),
                    (String) r.get("changelog_name"), r.get("topic") != null ? (String) r.get("topic") : defaultTopic(s, t),
                    (String) r.get("origin"), r.get("lock_id") == null ? null : ((Number) r.get("lock_id")).intValue())));
        }
        return captures;
    }

    private static boolean installed(Handle h) {
        return Db.relationExists(h, "cdc.capture");
    }
}
