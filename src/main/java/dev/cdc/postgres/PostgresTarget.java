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
    public void preflight(Handle h, Db target, String topic, String consolidateInto) {
        requireSetup(h, target);
        if (consolidateInto != null) {
            String[] n = Table.parseName(consolidateInto);
            Table into = PgCatalog.table(h, n[0], n[1]).orElseThrow(() -> Failure.precondition("consolidated table "
                    + consolidateInto + " does not exist on the " + target.where()
                    + " (run: cdc setup --table SOURCE_TABLE --consolidate-into " + consolidateInto + ")"));
            if (into.key().isEmpty() || !into.key().get(0).equals(Table.SOURCE_COLUMN)) {
                throw Failure.precondition("table " + into.display() + " is not a consolidated table: its primary key"
                        + " does not start with " + Table.SOURCE_COLUMN + " (cdc setup --consolidate-into creates one)");
            }
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
                        : Json.stringList(rs.getString("key_columns")))).findFirst();
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
