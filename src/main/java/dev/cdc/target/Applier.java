package dev.cdc.target;

import dev.cdc.base.Failure;
import dev.cdc.db.Table;
import dev.cdc.event.ChangeEvent;
import dev.cdc.sink.Decoded;
import dev.cdc.sink.Delivered;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.jdbi.v3.core.Handle;

/**
 * Applies a batch of Kafka records to the target in one transaction, together with the next offset
 * and the last source position of every partition it read ({@link OffsetStore}). Because the
 * offsets are stored with the rows, a crash at any instant neither skips nor repeats a change;
 * because positions are stored, events the producer republished after a crash are recognized and
 * skipped ({@link ApplyPlan}).
 *
 * <p>Within the batch the changes of one row are collapsed to the last one (full row images: the
 * last decides), then written by the {@link RowWriter}; in two-way sync the
 * {@link ConflictResolver} decides first which changes win.
 *
 * <p>A truncate event, which every partition gets, deletes the target rows whose key belongs to
 * that partition: the changes before it in the partition are the only ones those rows had, and
 * the changes after it come after the delete. A schema event adds the columns the target lacks,
 * before the changes that have them.
 */
public final class Applier {
    private final TargetEngine engine;
    private final String group;
    private final String topic;
    private final boolean consolidated;
    private final boolean generatedExpressions;
    private final OffsetStore offsets;
    /** What cdc setup recorded for the topic; null: not read yet (read again after a reconnect). */
    private Subscription subscription;
    private RowWriter rows;
    /** Two-way sync only, else null. */
    private ConflictResolver conflicts;
    private final Map<TopicPartition, Long> soughtBack = new HashMap<>(); // gaps already sought back over once

    /**
     * @param consolidated the events go into a consolidated table ({@link ChangeEvent#consolidated}):
     *                     a truncate deletes only the rows of the source that was truncated
     * @param generatedExpressions columns announced on the topic as generated are created so on
     *                     the target (the operator trusts the topic; consume --generated-expressions)
     */
    public Applier(TargetEngine engine, String group, String topic, boolean consolidated, boolean generatedExpressions) {
        this.engine = engine;
        this.group = group;
        this.topic = topic;
        this.consolidated = consolidated;
        this.generatedExpressions = generatedExpressions;
        this.offsets = engine.offsets(group, topic);
    }

    /** See {@link OffsetStore#topicIs}. */
    public void topicIs(String id) {
        offsets.topicIs(id);
    }

    /** The stored next offset of every partition of the topic that has one. */
    public Map<Integer, Long> storedOffsets(Handle h) {
        return offsets.storedOffsets(h);
    }

    /** Applies the batch: the decoded records of each partition, in offset order. */
    public Delivered apply(Handle h, Map<TopicPartition, List<Decoded>> received) {
        List<Integer> partitions = received.keySet().stream().map(TopicPartition::partition).sorted().toList();
        if (subscription == null) {
            subscription = engine.subscription(h, topic);
            rows = engine.rows(subscription, generatedExpressions);
            conflicts = subscription.twoWay().map(t -> engine.conflicts(t, rows, group, topic)).orElse(null);
        }
        Map<TopicPartition, List<Decoded>> batch = renamed(received);
        requireSubscribedTables(batch);
        addColumns(h, batch);
        return h.inTransaction(tx -> {
            engine.beginBatch(tx, conflicts != null);
            Map<Integer, ApplyPlan.Stored> stored = offsets.lock(tx, partitions, ApplyPlan.origins(batch));
            requireColumns(tx, batch);
            ApplyPlan plan = ApplyPlan.of(batch, stored, soughtBack, consolidated);
            List<ChangeEvent> changes = conflicts != null ? conflicts.resolve(tx, plan.changes()) : plan.changes();
            int written = rows.truncate(tx, plan.truncates()) + rows.write(tx, changes);
            if (conflicts != null) {
                conflicts.recordVersions(tx, changes);
            }
            offsets.save(tx, stored);
            return new Delivered(plan.events(), plan.skipped(), written, plan.seeks(), batch == received ? null
                    : batch.values().stream().flatMap(List::stream).filter(d -> d.event() != null)
                    .map(d -> d.event().table()).collect(java.util.stream.Collectors.toSet()));
        });
    }

    /**
     * Two-way sync of a table named differently on the other side: that side's events, which name
     * the table as it is there, as they apply here. Events naming any other table are left as
     * they are (and refused by {@link #requireSubscribedTables}).
     */
    private Map<TopicPartition, List<Decoded>> renamed(Map<TopicPartition, List<Decoded>> batch) {
        String other = subscription.twoWay().map(Subscription.TwoWay::otherTable).orElse(null);
        if (other == null || subscription.tables().size() != 1) {
            return batch;
        }
        String here = String.join(".", subscription.tables().iterator().next());
        Map<TopicPartition, List<Decoded>> renamed = new LinkedHashMap<>();
        batch.forEach((tp, list) -> renamed.put(tp, list.stream().map(d -> d.event() == null || !d.event().table().equals(other)
                ? d : new Decoded(d.record(), d.event().inTable(here))).toList()));
        return renamed;
    }

    /**
     * An event with a column the target table lacks (added on the source) would lose that column's
     * values: it stops consume instead, naming the column and where the event is.
     */
    private void requireColumns(Handle tx, Map<TopicPartition, List<Decoded>> batch) {
        for (var e : batch.entrySet()) {
            for (Decoded d : e.getValue()) {
                ChangeEvent ev = d.event();
                if (ev == null || ev.after() == null) {
                    continue;
                }
                Table cached = rows.table(tx, ev.table(), false);
                // another consumer, thread or cdc setup may have added the column since it was read
                Table t = cached.columns().containsAll(ev.columns()) ? cached : rows.table(tx, ev.table(), true);
                String unknown = ev.columns().stream().filter(c -> !t.columns().contains(c)).findFirst().orElse(null);
                if (unknown != null) {
                    throw Failure.badEvent("the event in topic " + e.getKey().topic() + ", partition " + e.getKey().partition()
                            + ", offset " + d.record().offset() + " has a column " + unknown + " that target table "
                            + t.display() + " lacks (added on the source?); add it to the target table with the "
                            + "source's type and start consume again", null);
                }
            }
        }
    }

    /**
     * An event may write only to the table cdc setup recorded for its topic (cdc.subscriptions): one
     * naming another table stops consume (or goes to the dead-letter topic) before anything is written.
     */
    private void requireSubscribedTables(Map<TopicPartition, List<Decoded>> batch) {
        var tables = subscription.tables();
        for (var e : batch.entrySet()) {
            for (Decoded d : e.getValue()) {
                if (d.event() != null && !tables.contains(List.of(Table.parseName(d.event().table())))) {
                    throw Failure.badEvent("the event in topic " + e.getKey().topic() + ", partition " + e.getKey().partition()
                            + ", offset " + d.record().offset() + " names table " + d.event().table() + ", which topic " + topic
                            + " does not feed (cdc.subscriptions: " + tables.stream().map(t -> String.join(".", t)).sorted().toList()
                            + "); nothing was written", null);
                }
            }
        }
    }

    /**
     * Adds the columns that schema events of the batch announce and the target lacks, before the
     * batch's transaction. Adding is idempotent, so it does not matter whether the batch is then
     * applied, or again.
     */
    private void addColumns(Handle h, Map<TopicPartition, List<Decoded>> batch) {
        Map<String, List<Table.Column>> announced = new LinkedHashMap<>();
        batch.values().forEach(list -> list.forEach(d -> {
            if (d.event() != null && d.event().op() == 's') {
                announced.put(d.event().table(), d.event().definition());
            }
        }));
        announced.forEach((table, columns) -> rows.addColumns(h, table, columns));
    }

    /** Forgets table definitions and the subscription (after a reconnect, in case the target changed). */
    public void forgetTables() {
        if (rows != null) {
            rows.forget();
        }
        subscription = null;
        rows = null;
        conflicts = null;
    }
}
