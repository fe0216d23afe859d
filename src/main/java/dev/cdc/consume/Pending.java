package dev.cdc.consume;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;

/** Records read and not yet delivered, per partition in offset order, and since when. */
final class Pending {
    private final Map<TopicPartition, List<ConsumerRecord<byte[], byte[]>>> records = new LinkedHashMap<>();
    private int count;
    private long since;

    void add(ConsumerRecords<byte[], byte[]> polled) {
        for (TopicPartition tp : polled.partitions()) {
            if (count == 0) {
                since = System.nanoTime();
            }
            List<ConsumerRecord<byte[], byte[]>> list = polled.records(tp);
            records.computeIfAbsent(tp, k -> new ArrayList<>()).addAll(list);
            count += list.size();
        }
    }

    int count() {
        return count;
    }

    /** How long the oldest pending record has waited. */
    long waitedMillis() {
        return (System.nanoTime() - since) / 1_000_000;
    }

    /** Whether a batch is due: {@code maxSize} records, or the first one waited {@code maxWaitMillis}. */
    boolean due(EventConsumer.Batching batching) {
        return count > 0 && (count >= batching.maxSize() || waitedMillis() >= batching.maxWaitMillis());
    }

    /**
     * The pending records of each topic in batches of at most {@code maxSize}, in order: a batch
     * holds one topic's records only, since each topic is applied in transactions of its own.
     */
    Map<String, List<Map<TopicPartition, List<ConsumerRecord<byte[], byte[]>>>>> chunksByTopic(int maxSize) {
        Map<String, Map<TopicPartition, List<ConsumerRecord<byte[], byte[]>>>> byTopic = new LinkedHashMap<>();
        records.forEach((tp, list) -> byTopic.computeIfAbsent(tp.topic(), t -> new LinkedHashMap<>()).put(tp, list));
        Map<String, List<Map<TopicPartition, List<ConsumerRecord<byte[], byte[]>>>>> chunks = new LinkedHashMap<>();
        byTopic.forEach((topic, partitions) -> chunks.put(topic, chunks(partitions, maxSize)));
        return chunks;
    }

    private static List<Map<TopicPartition, List<ConsumerRecord<byte[], byte[]>>>> chunks(
            Map<TopicPartition, List<ConsumerRecord<byte[], byte[]>>> records, int maxSize) {
        List<Map<TopicPartition, List<ConsumerRecord<byte[], byte[]>>>> chunks = new ArrayList<>();
        Map<TopicPartition, List<ConsumerRecord<byte[], byte[]>>> chunk = new LinkedHashMap<>();
        int size = 0;
        for (var e : records.entrySet()) {
            List<ConsumerRecord<byte[], byte[]>> list = e.getValue();
            for (int from = 0; from < list.size(); ) {
                int to = Math.min(list.size(), from + maxSize - size);
                chunk.put(e.getKey(), list.subList(from, to));
                size += to - from;
                from = to;
                if (size == maxSize) {
                    chunks.add(chunk);
                    chunk = new LinkedHashMap<>();
                    size = 0;
                }
            }
        }
        if (size > 0) {
            chunks.add(chunk);
        }
        return chunks;
    }

    /** Records read but not delivered are not stored as consumed: the partition's next owner reads them. */
    void drop(Collection<TopicPartition> partitions) {
        for (TopicPartition tp : partitions) {
            List<ConsumerRecord<byte[], byte[]>> dropped = records.remove(tp);
            count -= dropped == null ? 0 : dropped.size();
        }
    }

    void clear() {
        records.clear();
        count = 0;
    }
}
