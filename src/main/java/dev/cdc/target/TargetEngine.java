package dev.cdc.target;

import dev.cdc.db.Db;
import org.jdbi.v3.core.Handle;

/**
 * The database-specific half of applying events, which each kind of target database provides
 * (PostgreSQL: {@code dev.cdc.postgres}); {@link Applier} is the other half, the same for all.
 */
public interface TargetEngine {
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

    /** Starts the transaction of a batch: durability it may relax, and (two-way) no capture of what it applies. */
    void beginBatch(Handle tx, boolean twoWay);
}
