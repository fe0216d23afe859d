package dev.cdc.sink;

import java.util.Map;
import org.apache.kafka.common.TopicPartition;

/**
 * What delivering a batch did: events applied (each counted once, even when several changes of a
 * row were collapsed), records skipped as already applied, rows written, and where the consumer
 * must seek because it read past a gap.
 */
public record Delivered(int events, int skipped, int rows, Map<TopicPartition, Long> seeks) {
}
