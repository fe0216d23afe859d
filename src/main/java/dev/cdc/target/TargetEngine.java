package dev.cdc.target;

import dev.cdc.base.Failure;
import dev.cdc.db.Catalog;
import dev.cdc.db.Db;
import dev.cdc.db.Table;
import java.time.Instant;
import java.util.List;
import org.jdbi.v3.core.Handle;

/**
 * The database-specific half of applying events, which each kind of target database provides
 * (PostgreSQL: {@code dev.cdc.postgres}, MySQL and MariaDB: {@code dev.cdc.mysql}); {@link Applier} is
 * the other half, the same for all. The setup half installs the bookkeeping (which topic feeds which
 * table, the offsets applied) and the tables, created from the source's definition.
 */
public interface TargetEngine {
    /** A row of the bookkeeping: {@code topic} feeds {@code table}, consolidated or the other side of a two-way sync. */
    record Feed(String topic, Table.Name table, boolean consolidated, boolean twoWay) {
    }

    /** What a consumer group applied of a topic's partition, and when (with the target's clock now). */
    record Applied(String topic, int partition, long nextOffset, long applied, Instant updatedAt, Instant now) {
    }

    /** Installs or upgrades the bookkeeping tables (what was applied is kept); returns whether they were there. */
    boolean install(Handle h);

    /** Fails when the target table exists with a shape that cannot take the rows of {@code table}. */
    void checkTable(Handle h, Table table);

    /** Creates the table from the source's definition, or adds the columns it lacks; returns what it did. */
    String ensureTable(Handle h, Table table);

    /** Adds the columns of {@code columns} the table lacks; returns their names. */
    List<String> addColumns(Handle h, Table existing, List<Table.Column> columns);

    /** Lets {@code role} apply into {@code table} and read the bookkeeping. */
    void grantConsumer(Handle h, Table table, String role);

    /**
     * Two-way sync: lets {@code role} also keep the row versions ({@code versions}) and record
     * conflicts, and apply without its changes being captured; returns a warning, or null.
     */
    String grantTwoWay(Handle h, Table table, String versions, String role);

    /**
     * Records that {@code topic} feeds {@code table}; {@code twoWay}: the topic is the other side of
     * a two-way sync (null: one-way).
     */
    void subscribe(Handle h, String topic, Table table, boolean consolidated, Subscription.TwoWay twoWay);

    /** What the bookkeeping records as fed, every topic ({@code topic} null) or one, in order. */
    List<Feed> feeds(Handle h, String topic);

    /** What {@code group} applied, per topic and partition. */
    List<Applied> applied(Handle h, String group);

    /** Checks the target has been set up (bookkeeping tables present and current). */
    void requireSetup(Handle h, Db target);

    /**
     * Checks before consume starts that the target is set up for the topic and the user has the
     * rights applying needs; {@code consolidateInto}: the consolidated table it applies to, or null.
     */
    void preflight(Handle h, Db target, String topic, String consolidateInto);

    /** What cdc setup recorded for the topic. */
    Subscription subscription(Handle h, String topic);

    /** The offsets of a group in a topic. */
    OffsetStore offsets(String group, String topic);

    /**
     * The writer of rows into the subscribed tables. {@code generatedExpressions}: a column
     * announced on the topic as generated is created with its expression (the operator trusts
     * the topic), else refused.
     */
    RowWriter rows(Subscription subscription, boolean generatedExpressions);

    /** Two-way sync: the conflict rule for the subscription's changes, written through {@code rows}. */
    ConflictResolver conflicts(Subscription.TwoWay twoWay, RowWriter rows, String group, String topic);

    /**
     * Checks that {@code consolidateInto} ("schema.table") is a consolidated table on the target,
     * as {@code catalog} describes it: it exists and its key starts with {@link Table#SOURCE_COLUMN}.
     */
    static void requireConsolidated(Catalog catalog, Handle h, Db target, String consolidateInto) {
        String[] n = Table.parseName(consolidateInto);
        Table into = catalog.find(h, n[0], n[1]).orElseThrow(() -> Failure.precondition("consolidated table "
                + consolidateInto + " does not exist on the " + target.where()
                + " (run: cdc setup --table SOURCE_TABLE --consolidate-into " + consolidateInto + ")"));
        if (into.key().isEmpty() || !into.key().get(0).equals(Table.SOURCE_COLUMN)) {
            throw Failure.precondition("table " + into.display() + " is not a consolidated table: its primary key"
                    + " does not start with " + Table.SOURCE_COLUMN + " (cdc setup --consolidate-into creates one)");
        }
    }

    /** Starts the transaction of a batch: durability it may relax, and (two-way) no capture of what it applies. */
    void beginBatch(Handle tx, boolean twoWay);
}
