package dev.cdc.mysql;

import dev.cdc.base.Failure;
import dev.cdc.base.Json;
import dev.cdc.db.Db;
import dev.cdc.db.Sql;
import dev.cdc.db.Table;
import dev.cdc.target.ConflictResolver;
import dev.cdc.target.OffsetStore;
import dev.cdc.target.RowWriter;
import dev.cdc.target.Subscription;
import dev.cdc.target.TargetEngine;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;

/**
 * MySQL and MariaDB as a target: the bookkeeping of {@code sql/mysql/target/install.sql} (the cdc
 * database), tables created from the source's definition ({@link MySqlTargetTable}), rows written
 * by {@link MySqlRowWriter} and offsets kept by {@link MySqlOffsetStore} in the batch's
 * transaction; in a two-way sync, versions and conflicts by {@link MySqlConflicts}.
 */
public final class MySqlTarget implements TargetEngine {

    @Override
    public boolean install(Handle h) {
        boolean had = installed(h).present();
        for (String statement : Sql.load("mysql/target/install.sql").split(";\\s*\\n")) {
            if (!statement.isBlank()) {
                h.execute(statement);
            }
        }
        if (!installed(h).current()) {
            try {
                h.execute(Sql.load("mysql/target/upgrade.sql"));
            } catch (RuntimeException e) {
                if (Db.errorCode(e) != DUPLICATE_COLUMN) { // else another setup added it meanwhile
                    throw e;
                }
            }
        }
        return had;
    }

    /** ER_DUP_FIELDNAME. */
    private static final int DUPLICATE_COLUMN = 1060;

    /** How far the bookkeeping is installed: all its tables present, and current (their newest column there too). */
    private record Installed(boolean present, boolean current) {
    }

    private static Installed installed(Handle h) {
        return h.createQuery(Sql.load("mysql/target/installed.sql"))
                .map((rs, ctx) -> new Installed(rs.getInt("tables") == 3, rs.getInt("current") == 1)).one();
    }

    @Override
    public void checkTable(Handle h, Table table) {
        MySqlTargetTable.check(h, table);
    }

    @Override
    public String ensureTable(Handle h, Table table) {
        return MySqlTargetTable.ensure(h, table);
    }

    @Override
    public List<String> addColumns(Handle h, Table existing, List<Table.Column> columns) {
        return MySqlTargetTable.addColumns(h, existing, columns);
    }

    /**
     * Two-way sync: the row versions too (cdc.conflicts is in cdc.*, granted with the bookkeeping).
     * No right is needed to skip the triggers: they test a session variable, and run as their definer.
     */
    @Override
    public String grantTwoWay(Handle h, Table table, String versions, String role) {
        h.execute(Sql.render("mysql/target/grant_two_way.sql", Map.of("versions", versions, "role", MySqlCapture.literal(role))));
        return null;
    }

    @Override
    public void grantConsumer(Handle h, Table table, String role) {
        Map<String, String> v = Map.of("table", MySqlTargetTable.name(table), "role", MySqlCapture.literal(role));
        h.execute(Sql.render("mysql/target/grant_consume.sql", v));
        h.execute(Sql.render("mysql/target/grant_bookkeeping.sql", v));
    }

    @Override
    public void subscribe(Handle h, String topic, Table table, boolean consolidated, Subscription.TwoWay twoWay) {
        h.createUpdate(Sql.load("mysql/target/subscribe.sql")).bind("topic", topic).bind("schema", table.schema())
                .bind("table", table.name()).bind("consolidated", consolidated).bind("versions", twoWay == null ? null : twoWay.versions())
                .bind("key_columns", twoWay == null || twoWay.key() == null ? null : Json.write(twoWay.key()))
                .bind("other_table", twoWay == null ? null : twoWay.otherTable()).execute();
    }

    @Override
    public List<Feed> feeds(Handle h, String topic) {
        if (!installed(h).present()) {
            return List.of();
        }
        return h.createQuery(Sql.load("mysql/target/feeds.sql")).bind("topic", topic)
                .map((rs, ctx) -> new Feed(rs.getString("topic"), new Table.Name(rs.getString("table_schema"),
                        rs.getString("table_name")), rs.getBoolean("consolidated"), rs.getBoolean("two_way"))).list();
    }

    @Override
    public List<Applied> applied(Handle h, String group) {
        return h.createQuery(Sql.load("mysql/target/status.sql")).bind("group_id", group)
                .map((rs, ctx) -> new Applied(rs.getString("topic"), rs.getInt("partition"), rs.getLong("next_offset"),
                        rs.getLong("applied"), MySqlCaptures.utc(rs.getObject("updated_at")), MySqlCaptures.utc(rs.getObject("now")))).list();
    }

    @Override
    public void requireSetup(Handle h, Db target) {
        Installed installed = installed(h);
        if (!installed.present() || !installed.current()) {
            throw Failure.precondition("the " + target.where() + " has " + (!installed.present() ? "no cdc bookkeeping tables"
                    : "the bookkeeping of an older cdc") + " (run: cdc setup)");
        }
    }

    @Override
    public void preflight(Handle h, Db target, String topic, String consolidateInto) {
        requireSetup(h, target);
        if (consolidateInto != null) {
            TargetEngine.requireConsolidated(MySqlCatalog.INSTANCE, h, target, consolidateInto);
        }
    }

    @Override
    public Subscription subscription(Handle h, String topic) {
        List<Feed> feeds = feeds(h, topic);
        var tables = (feeds.isEmpty() ? feeds(h, null) : feeds).stream()
                .map(f -> List.of(f.table().schema(), f.table().name())).collect(java.util.stream.Collectors.toSet());
        var twoWay = h.createQuery(Sql.load("mysql/target/two_way_subscription.sql")).bind("topic", topic)
                .map((rs, ctx) -> new Subscription.TwoWay(rs.getString("versions"),
                        rs.getString("key_columns") == null ? null : Json.stringList(rs.getString("key_columns")),
                        rs.getString("other_table")))
                .findOne();
        return new Subscription(tables, twoWay);
    }

    @Override
    public OffsetStore offsets(String group, String topic) {
        return new MySqlOffsetStore(group, topic);
    }

    @Override
    public RowWriter rows(Subscription subscription, boolean generatedExpressions) {
        return new MySqlRowWriter(subscription.twoWay().map(Subscription.TwoWay::key).orElse(null));
    }

    @Override
    public ConflictResolver conflicts(Subscription.TwoWay twoWay, RowWriter rows, String group, String topic) {
        return new MySqlConflicts(twoWay, (MySqlRowWriter) rows, group, topic);
    }

    /** Nothing to relax (InnoDB's commit durability is the server's); two-way: no capture of what it applies. */
    @Override
    public void beginBatch(Handle tx, boolean twoWay) {
        tx.createUpdate(Sql.load("mysql/target/begin_batch.sql")).bind("apply", twoWay ? 1 : null).execute();
    }
}
