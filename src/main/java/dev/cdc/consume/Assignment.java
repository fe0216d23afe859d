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
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Seeks newly assigned partitions to the offsets the sink stored (or Kafka's committed ones, for a
 * sink that keeps none), never to where Kafka would start; drops the pending records of revoked ones.
 */
final class Assignment implements ConsumerRebalanceListener {
    private static final Logger log = LoggerFactory.getLogger("cdc.consume");
    private final Kafka kafka;
    private final Sink sink;
    private final Pending pending;
    private final KafkaConsumer<byte[], byte[]> consumer;
    /** The topic's id when its partitions were last assigned (null: unknown). */
    private String topicId;
    /** The sink stores offsets with what it delivered (the database); else they are committed to Kafka. */
    private boolean sinkStoresOffsets = true;

    Assignment(Kafka kafka, Sink sink, Pending pending, KafkaConsumer<byte[], byte[]> consumer) {
        this.kafka = kafka;
        this.sink = sink;
        this.pending = pending;
        this.consumer = consumer;
    }

    boolean sinkStoresOffsets() {
        return sinkStoresOffsets;
    }

    /** Whether the topic was deleted and created again since its partitions were assigned. */
    boolean topicChanged() {
        String now = currentTopicId();
        return now != null && topicId != null && !now.equals(topicId);
    }

    /** The topic's id as Kafka gives it now; null if Kafka cannot be asked. */
    private String currentTopicId() {
        try (var admin = kafka.admin()) {
            return kafka.describeTopic(admin).topicId().toString();
        } catch (RuntimeException e) {
            log.warn("could not read the id of topic {} ({})", kafka.topic(), Db.rootMessage(e));
            return null;
        }
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
        if (partitions.isEmpty()) {
            return;
        }
        Map<Integer, Long> stored;
        try {
            sink.topicIs(topicId = currentTopicId());
            stored = sink.storedOffsets();
        } catch (RuntimeException e) {
            // Reading from the start is always safe: every batch skips what the target applied.
            log.warn("could not read stored offsets from {} ({}); reading from the start of the topic, "
                    + "skipping what was applied", sink.where(), Db.rootMessage(e));
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
        List<TopicPartition> fresh = new ArrayList<>();
        for (TopicPartition tp : partitions) {
            Long next = stored.get(tp.partition());
            if (next == null) {
                fresh.add(tp);
            } else {
                consumer.seek(tp, next);
            }
        }
        for (TopicPartition tp : fresh) {
            // offset 0, not the first one left: if retention deleted events never applied, polling
            // fails (OffsetOutOfRangeException) instead of starting after them in silence
            consumer.seek(tp, 0);
        }
        log.info("assigned partitions {}", partitions.stream().map(TopicPartition::partition).sorted().toList());
    }

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
        pending.drop(partitions);
    }
}
