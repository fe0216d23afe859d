package dev.cdc.postgres;

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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;

/** PostgreSQL as a target: the bookkeeping of sql/target/install.sql and the apply SQL beside it. */
public final class PostgresTarget implements TargetEngine {

    @Override
    public void requireSetup(Handle h, Db target) {
        Map<String, Object> r = h.createQuery(Sql.load("target/bookkeeping.sql")).mapToMap().one();
        if (!Boolean.TRUE.equals(r.get("installed"))) {
            throw Failure.precondition("the " + target.where() + " has no cdc bookkeeping tables (run: cdc setup)");
        }
        if (!Boolean.TRUE.equals(r.get("current"))) {
            throw Failure.precondition("the cdc bookkeeping tables of the " + target.where() + " were installed by an older "
                    + "cdc; run cdc setup again to upgrade them (what was applied is kept)");
        }
    }

    @Override
    public boolean install(Handle h) {
        boolean had = Db.relationExists(h, "cdc.subscriptions");
        h.execute(Sql.load("target/install.sql"));
        return had;
    }

    @Override
    public void checkTable(Handle h, Table table) {
        TargetTable.check(h, table);
    }

    @Override
    public String ensureTable(Handle h, Table table) {
        return TargetTable.ensure(h, table);
    }

    @Override
    public List<String> addColumns(Handle h, Table existing, List<Table.Column> columns) {
        return TargetTable.addColumns(h, existing, columns);
    }

    @Override
    public void grantConsumer(Handle h, Table table, String role) {
        TargetTable.grantConsumer(h, table, role);
    }

    @Override
    public String grantTwoWay(Handle h, Table table, String versions, String role) {
        boolean pg15 = Db.serverAtLeast(h, 150000);
        Map<String, String> v = new HashMap<>();
        v.put("role", Sql.ident(role));
        v.put("role_lit", Sql.literal(role));
        v.put("versions", versions);
        v.put("table_lit", Sql.literal(table.sqlName()));
        h.execute(Sql.render("target/grant_two_way.sql", v));
        if (pg15) {
            h.execute(Sql.render("target/grant_replica.sql", v));
            return null;
        }
        return "it must be a superuser to apply without echo: before PostgreSQL 15, only a superuser may set "
                + "session_replication_role";
    }

    @Override
    public void subscribe(Handle h, String topic, Table table, boolean consolidated, Subscription.TwoWay twoWay) {
        h.createUpdate(Sql.load("target/subscribe.sql")).bind("topic", topic).bind("schema", table.schema())
                .bind("table", table.name()).bind("consolidated", consolidated).bind("versions", twoWay == null ? null : twoWay.versions())
                .bind("key_columns", twoWay == null || twoWay.key() == null ? null : Json.write(twoWay.key()))
                .bind("other_table", twoWay == null ? null : twoWay.otherTable()).execute();
    }

    @Override
    public List<Feed> feeds(Handle h, String topic) {
        if (!Db.relationExists(h, "cdc.subscriptions")) {
            return List.of();
        }
        return h.createQuery(Sql.load("target/topic_feeds.sql")).bind("topic", topic)
                .map((rs, ctx) -> new Feed(rs.getString("topic"), new Table.Name(rs.getString("table_schema"),
                        rs.getString("table_name")), rs.getBoolean("consolidated"), rs.getBoolean("two_way"))).list();
    }

    @Override
    public List<Applied> applied(Handle h, String group) {
        return h.createQuery(Sql.load("target/status.sql")).bind("group_id", group)
                .map((rs, ctx) -> new Applied(rs.getString("topic"), rs.getInt("partition"), rs.getLong("next_offset"),
                        rs.getLong("applied"), rs.getTimestamp("updated_at").toInstant(), rs.getTimestamp("now").toInstant()))
                .list();
    }

    @Override
    public void preflight(Handle h, Db target, String topic, String consolidateInto) {
        requireSetup(h, target);
        if (consolidateInto != null) {
            TargetEngine.requireConsolidated(PgCatalog.INSTANCE, h, target, consolidateInto);
        }
        List<String> missing = h.createQuery(Sql.load("target/missing_rights.sql"))
                .bind("topic", topic).mapTo(String.class).list();
        if (!missing.isEmpty()) {
            throw target.lacksRights("lacks " + String.join(", ", missing));
        }
        if (subscription(h, topic).twoWay().isPresent() && !h.createQuery(Sql.render("target/may_skip_triggers.sql",
                Map.of("granted", Db.serverAtLeast(h, 150000)
                        ? "has_parameter_privilege('session_replication_role', 'SET')" : "false")))
                .mapTo(Boolean.class).one()) {
            throw target.lacksRights("may not set session_replication_role, which applying the other side of a "
                    + "two-way sync without sending it back needs (a superuser, or GRANT SET ON PARAMETER "
                    + "session_replication_role on PostgreSQL 15+)");
        }
    }

    @Override
    public Subscription subscription(Handle h, String topic) {
        var twoWay = h.createQuery(Sql.load("target/two_way_subscription.sql")).bind("topic", topic)
                .map((rs, ctx) -> new Subscription.TwoWay(rs.getString("versions"), rs.getString("key_columns") == null ? null
                        : Json.stringList(rs.getString("key_columns")), rs.getString("other_table"))).findFirst();
        var tables = h.createQuery(Sql.load("target/subscribed_tables.sql")).bind("topic", topic)
                .map((rs, ctx) -> List.of(rs.getString("table_schema"), rs.getString("table_name"))).set();
        return new Subscription(tables, twoWay);
    }

    @Override
    public OffsetStore offsets(String group, String topic) {
        return new PgOffsetStore(group, topic);
    }

    @Override
    public RowWriter rows(Subscription subscription, boolean generatedExpressions) {
        return new PgRowWriter(subscription.twoWay().map(Subscription.TwoWay::key).orElse(null), generatedExpressions);
    }

    @Override
    public ConflictResolver conflicts(Subscription.TwoWay twoWay, RowWriter rows, String group, String topic) {
        return new PgConflicts(twoWay, (PgRowWriter) rows, group, topic);
    }

    @Override
    public void beginBatch(Handle tx, boolean twoWay) {
        tx.execute(Sql.load("target/begin_batch.sql"));
        if (twoWay) { // the capture triggers do not fire: nothing applied here is sent back
            tx.execute(Sql.load("target/skip_triggers.sql"));
        }
    }
}
