package dev.cdc.sink;

import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;

/**
 * What delivering a batch did: events applied (each counted once, even when several changes of a
 * row were collapsed), records skipped as already applied, rows written, where the consumer must
 * seek because it read past a gap, and the tables written when they are not the ones the events
 * name (two-way sync of a table named otherwise on the other side; null: the events' own).
 */
public record Delivered(int events, int skipped, int rows, Map<TopicPartition, Long> seeks, Set<String> tables) {
    public Delivered(int events, int skipped, int rows, Map<TopicPartition, Long> seeks) {
        this(events, skipped, rows, seeks, null);
    }
}
