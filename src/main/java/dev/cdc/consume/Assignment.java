package dev.cdc.consume;

import dev.cdc.db.Db;
import dev.cdc.kafka.Kafka;
import dev.cdc.sink.Sink;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Seeks newly assigned partitions to the offsets their topic's sink stored (or Kafka's committed
 * ones, for a sink that keeps none), never to where Kafka would start; drops the pending records
 * of revoked ones.
 */
final class Assignment implements ConsumerRebalanceListener {
    private static final Logger log = LoggerFactory.getLogger("cdc.consume");
    private final Kafka kafka;
    private final Map<String, Sink> sinks;
    private final Pending pending;
    private final KafkaConsumer<byte[], byte[]> consumer;
    /** Each topic's id when its partitions were last assigned (null: unknown). */
    private final Map<String, String> topicIds = new HashMap<>();
    /** The sink stores offsets with what it delivered (the database); else they are committed to Kafka. */
    private boolean sinkStoresOffsets = true;

    /** {@code sinks}: the sink of each topic consume reads. */
    Assignment(Kafka kafka, Map<String, Sink> sinks, Pending pending, KafkaConsumer<byte[], byte[]> consumer) {
        this.kafka = kafka;
        this.sinks = sinks;
        this.pending = pending;
        this.consumer = consumer;
    }

    boolean sinkStoresOffsets() {
        return sinkStoresOffsets;
    }

    /** Whether each of the topics was deleted and created again since its partitions were assigned. */
    boolean topicsChanged(Collection<String> topics) {
        Map<String, String> now = currentTopicIds(topics);
        return topics.stream().allMatch(t -> now.get(t) != null && topicIds.get(t) != null
                && !now.get(t).equals(topicIds.get(t)));
    }

    /** The topics' ids as Kafka gives them now; a topic Kafka cannot tell about is left out. */
    private Map<String, String> currentTopicIds(Collection<String> topics) {
        Map<String, String> ids = new HashMap<>();
        try {
            kafka.findTopics(topics).forEach((topic, d) -> ids.put(topic, d.topicId().toString()));
        } catch (RuntimeException e) {
            log.warn("could not read the ids of topics {} ({})", topics, Db.rootMessage(e));
        }
        return ids;
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
        if (partitions.isEmpty()) {
            return;
        }
        Map<String, List<TopicPartition>> byTopic = new TreeMap<>();
        partitions.forEach(tp -> byTopic.computeIfAbsent(tp.topic(), t -> new ArrayList<>()).add(tp));
        Map<String, String> ids = currentTopicIds(byTopic.keySet());
        byTopic.forEach((topic, list) -> seek(topic, list, ids.get(topic)));
        if (byTopic.size() == 1) {
            log.info("assigned partitions {}", partitions.stream().map(TopicPartition::partition).sorted().toList());
        } else {
            log.info("assigned {} partitions of {} topics", partitions.size(), byTopic.size());
        }
    }

    /** Seeks a topic's newly assigned partitions to the offsets stored for them. */
    private void seek(String topic, List<TopicPartition> partitions, String topicId) {
        Sink sink = sinks.get(topic);
        Map<Integer, Long> stored;
        try {
            topicIds.put(topic, topicId);
            sink.topicIs(topicId);
            stored = sink.storedOffsets();
        } catch (RuntimeException e) {
            // Reading from the start is always safe: every batch skips what the target applied.
            log.warn("could not read stored offsets of topic {} from {} ({}); reading from the start of the topic, "
                    + "skipping what was applied", topic, sink.where(), Db.rootMessage(e));
            consumer.seekToBeginning(partitions);
            return;
        }
        sinkStoresOffsets = stored != null;
        if (stored == null) { // Kafka's committed offsets, else the start
            stored = new HashMap<>();
            for (var c : consumer.committed(new HashSet<>(partitions)).entrySet()) {
                if (c.getValue() != null) {
                    stored.put(c.getKey().partition(), c.getValue().offset());
                }
            }
        }
        for (TopicPartition tp : partitions) {
            // no stored offset: offset 0, not the first one left: if retention deleted events never
            // applied, polling fails (OffsetOutOfRangeException) instead of starting after them in silence
            consumer.seek(tp, stored.getOrDefault(tp.partition(), 0L));
        }
    }

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
        pending.drop(partitions);
    }
}
