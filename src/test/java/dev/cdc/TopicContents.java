package dev.cdc;

import dev.cdc.event.ChangeEvent;
import dev.cdc.kafka.Kafka;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** Everything on a topic, read with a plain consumer, for checks on order and duplicates. */
record TopicContents(Map<Integer, List<ChangeEvent>> byPartition, long records) {

    static TopicContents read(Kafka kafka) throws Exception {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = c.partitionsFor(kafka.topic()).stream()
                    .map(i -> new TopicPartition(kafka.topic(), i.partition())).toList();
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> end = c.endOffsets(parts);
            Map<Integer, List<ChangeEvent>> out = new HashMap<>();
            long n = 0;
            long deadline = System.currentTimeMillis() + 60_000;
            while (parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
                if (System.currentTimeMillis() > deadline) {
                    throw new IllegalStateException("could not read the whole topic");
                }
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(500))) {
                    out.computeIfAbsent(r.partition(), k -> new ArrayList<>()).add(ChangeEvent.decode(r.value()));
                    n++;
                }
            }
            return new TopicContents(out, n);
        }
    }

    /** Distinct source positions (epoch, window, seq, index): each is one committed change. */
    long distinctEvents() {
        Set<String> seen = new HashSet<>();
        byPartition.values().forEach(l -> l.forEach(e -> seen.add(e.epoch() + "/" + e.window() + "/" + e.seq() + "/" + e.index())));
        return seen.size();
    }

    /**
     * What consume applies once each: per partition the distinct positions of its changes (a
     * truncate reaches every partition, and is applied in each).
     */
    long distinctPerPartition() {
        Set<String> seen = new HashSet<>();
        byPartition.forEach((p, l) -> l.stream().filter(e -> e.op() != 's')
                .forEach(e -> seen.add(p + "/" + e.epoch() + "/" + e.window() + "/" + e.seq() + "/" + e.index())));
        return seen.size();
    }
}
