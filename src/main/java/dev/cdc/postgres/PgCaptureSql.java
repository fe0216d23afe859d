package dev.cdc.postgres;

import dev.cdc.base.Json;
import dev.cdc.db.Sql;
import dev.cdc.db.Table;
import dev.cdc.source.Capture;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The PostgreSQL names and SQL fragments of one capture: the quoted changelog, retained and
 * versions tables, the trigger functions, and the values of the placeholders of the
 * {@code sql/source/} files ({@link #values}).
 */
public final class PgCaptureSql {
    /** A statement's changes are written in changelog rows of about this many bytes at most. */
    public static final long CHUNK_BYTES = 16_000_000;
    /** The first key of the advisory lock a busy producer holds. */
    static final int WAKE_LOCK_CLASS = 0x0cdd;

    private final Capture cap;

    public PgCaptureSql(Capture capture) {
        this.cap = capture;
    }

    public String changelog() {
        return Sql.ident(cap.changelogSchema(), cap.changelogName());
    }
    /** Where produce --retain keeps published changelog rows for a while. */
    public String retained() {
        return Sql.ident(cap.changelogSchema(), cap.retainedName());
    }
    /** Two-way sync: the version of every row on this side (two_way.sql). */
    public String versions() {
        return Sql.ident(cap.changelogSchema(), cap.versionsName());
    }
    /**
     * The arguments of the advisory lock a busy producer holds, so that the triggers do not notify
     * it (see capture.sql).
     */
    public String wakeLock() {
        return WAKE_LOCK_CLASS + ", " + cap.requireLockId();
    }
    /** Values for the placeholders of the {@code sql/source/} files. */
    public Map<String, String> values() {
        Map<String, String> v = new HashMap<>();
        v.put("table", cap.table().sqlName());
        v.put("changelog", changelog());
        v.put("retained", retained());
        v.put("changelog_lit", Sql.literal(changelog()));
        v.put("retained_lit", Sql.literal(retained()));
        v.put("schema_lit", Sql.literal(cap.table().schema()));
        v.put("table_lit", Sql.literal(cap.table().name()));
        v.put("changelog_schema_lit", Sql.literal(cap.changelogSchema()));
        v.put("changelog_name_lit", Sql.literal(cap.changelogName()));
        v.put("channel_lit", Sql.literal(cap.channel()));
        v.put("topic_lit", Sql.literal(cap.topic()));
        v.put("fn_write", function("write"));
        v.put("fn_delete", function("delete"));
        v.put("fn_truncate", function("truncate"));
        v.put("fn_no_truncate", function("no_truncate"));
        v.put("fn_truncate_before", function("truncate_before"));
        v.put("fn_partitions", function("partitions"));
        v.put("fn_partitions_lit", Sql.literal(function("partitions")));
        v.put("root", Sql.literal(cap.table().sqlName()) + "::regclass");
        v.put("member", "(TG_RELID = " + v.get("root") + " OR EXISTS (SELECT FROM pg_partition_ancestors(TG_RELID) a WHERE a.relid = "
                + v.get("root") + "))");
        v.put("member_check", "");
        v.put("columns_lit", Sql.literal(cap.table().definitionJson()));
        String n = alias("n");
        String o = alias("o");
        v.put("n", n);
        v.put("o", o);
        v.put("old_keys", keyColumns(o + "."));
        v.put("chunk_keys", keyColumns("(c.r)."));
        v.put("old_key_size", cap.table().key().stream().map(c -> "pg_column_size(" + o + "." + Sql.ident(c) + ")")
                .collect(Collectors.joining(" + ")));
        v.put("pk_join", Sql.keyMatch(cap.table().key(), n, o));
        v.put("pk_n", keyList(n));
        v.put("pk_k", keyList("k"));
        v.put("pk_u", keyList("u"));
        v.put("key_json", cap.table().key().stream().map(c -> Sql.literal(c) + ", " + n + "." + Sql.ident(c))
                .collect(Collectors.joining(", ", "json_build_object(", ")::text")));
        v.put("chunk_bytes", Long.toString(CHUNK_BYTES));
        if (cap.lockId() != null) { // known once installed (capture.sql needs it)
            v.put("wake_lock", wakeLock());
        }
        v.put("fn_settings", rowSettings());
        v.put("changelog_schema", Sql.ident(cap.changelogSchema()));
        v.put("versions", versions());
        v.put("versions_key", cap.table().definition().stream().filter(c -> cap.table().key().contains(c.name()))
                .map(c -> Sql.ident(c.name()) + " " + c.type() + " NOT NULL").collect(Collectors.joining(", ")));
        v.put("pk", Sql.idents(cap.table().key()));
        v.put("pk_o", keyList(o));
        v.put("v_join_n", Sql.keyMatch(cap.table().key(), "v", n));
        v.put("v_join_o", Sql.keyMatch(cap.table().key(), "v", o));
        v.put("origin_lit", cap.origin() == null ? "NULL" : Sql.literal(cap.origin()));
        v.put("key_columns_lit", Sql.literal(Json.write(cap.table().key())));
        v.put("two_way_write", cap.origin() == null ? "" : Sql.render("source/two_way_write.sql", v));
        v.put("two_way_delete", cap.origin() == null ? "" : Sql.render("source/two_way_delete.sql", v));
        return v;
    }
    /**
     * The Kafka key is the key columns' JSON text and the row its JSON text, so neither may depend on
     * the writing session: for a table with a type whose text depends on a setting, the trigger
     * functions fix it for their own run (a SET clause costs every statement a little, so other
     * tables go without). See {@link Table#rowSettings}.
     */
    private String rowSettings() {
        return cap.table().rowSettings().stream().map(s -> "SET " + s).collect(Collectors.joining(" "));
    }
    /**
     * A table alias no column is named like: in {@code row_to_json(n)}, a column named n would be
     * taken instead of the row.
     */
    private String alias(String base) {
        String a = base;
        while (cap.table().columns().contains(a)) {
            a += "_";
        }
        return a;
    }
    private String function(String op) {
        return Sql.ident("cdc", Sql.fitName(cap.changelogSchema() + "." + cap.changelogName(), "_" + op));
    }
    /** {@code alias.a, alias.b}: the key columns of a row. */
    private String keyList(String alias) {
        return Sql.keyList(cap.table().key(), alias);
    }
    /** {@code json_build_object('a', json_agg(<row>.a), ...)} over the key columns: keys column by column. */
    private String keyColumns(String row) {
        return cap.table().key().stream().map(c -> Sql.literal(c) + ", json_agg(" + row + Sql.ident(c) + ")")
                .collect(Collectors.joining(", ", "json_build_object(", ")"));
    }
}
