package dev.cdc.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cdc.base.Json;
import dev.cdc.consume.Feeds;
import dev.cdc.db.Db;
import dev.cdc.db.Table;
import dev.cdc.engine.Engines;
import dev.cdc.kafka.Kafka;
import dev.cdc.target.ApplyPlan;
import dev.cdc.target.OffsetStore;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.jdbi.v3.core.Handle;

/**
 * A pipeline's place in its topics, as its consume keeps it on the target (stored with the rows):
 * read, and set while the pipeline is stopped. A partition moved back is read again without effect
 * (the positions stored with the offsets recognize events applied); moved forward, the events
 * between are never applied: the operator's choice, as with Kafka Connect's offsets.
 */
final class PipelineOffsets {
    private final Kafka broker;

    PipelineOffsets(Kafka broker) {
        this.broker = broker;
    }

    /** One partition: where the target stands (null: nothing applied yet), and the topic's first and next offsets. */
    record Partition(String topic, int partition, Long applied, long earliest, long end) {
    }

    List<Partition> read(PipelineDefinition d, Db target) {
        Map<String, Map<Integer, Long>> applied = new TreeMap<>();
        if (target == null) { // posted to an endpoint: where the group stands is its committed offsets in Kafka
            d.tables().stream().map(PipelineOffsets::defaultTopic).forEach(t -> applied.put(t, new TreeMap<>()));
            committed(d).forEach((tp, offset) -> {
                if (applied.containsKey(tp.topic())) {
                    applied.get(tp.topic()).put(tp.partition(), offset);
                }
            });
        } else try (Handle h = target.open("cdc-serve")) {
            List<String> topics = topics(d, h, target);
            Map<String, String> ids = ids(topics);
            for (String topic : topics) {
                applied.put(topic, store(d, target, topic, ids).storedOffsets(h));
            }
        }
        Map<TopicPartition, long[]> bounds = bounds(applied.keySet());
        return bounds.entrySet().stream().sorted(Map.Entry.comparingByKey(
                        java.util.Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition)))
                .map(e -> new Partition(e.getKey().topic(), e.getKey().partition(),
                        applied.get(e.getKey().topic()).get(e.getKey().partition()), e.getValue()[0], e.getValue()[1]))
                .toList();
    }

    /**
     * Sets the next offset of the partitions given ({@code [{"topic", "partition", "offset"}]}), or with
     * {@code body} null every partition to its earliest offset (read everything the topic keeps again).
     */
    void set(PipelineDefinition d, Db target, JsonNode body) {
        List<Partition> now = read(d, target);
        Map<TopicPartition, Long> moves = new HashMap<>();
        if (body == null) {
            now.forEach(p -> moves.put(new TopicPartition(p.topic(), p.partition()), p.earliest()));
        } else {
            Body.known(body, Set.of("offsets"), " with offsets: [{topic, partition, offset}]");
            JsonNode list = body.get("offsets");
            if (list == null || !list.isArray() || list.isEmpty()) {
                throw new BadRequest("offsets must be a non-empty array of {topic, partition, offset}");
            }
            for (JsonNode o : list) {
                Body.known(o, Set.of("topic", "partition", "offset"), " {topic, partition, offset}");
                String topic = Body.text(o, "topic");
                int partition = Body.number(o, "partition", -1, 0, Integer.MAX_VALUE);
                Partition p = now.stream().filter(x -> x.topic().equals(topic) && x.partition() == partition).findFirst()
                        .orElseThrow(() -> new BadRequest("pipeline " + d.name() + " reads no partition " + partition
                                + " of a topic " + topic));
                JsonNode offset = o.get("offset");
                if (offset == null || !offset.isIntegralNumber() || offset.asLong() < p.earliest() || offset.asLong() > p.end()) {
                    throw new BadRequest("offset of " + topic + "/" + partition + " must be a whole number from "
                            + p.earliest() + " (the first the topic keeps) to " + p.end() + " (its end)");
                }
                moves.put(new TopicPartition(topic, partition), offset.asLong());
            }
        }
        Map<String, Map<Integer, Long>> byTopic = new TreeMap<>();
        moves.forEach((tp, offset) -> byTopic.computeIfAbsent(tp.topic(), t -> new TreeMap<>()).put(tp.partition(), offset));
        Map<String, String> ids = ids(byTopic.keySet());
        if (target == null) {
            Map<TopicPartition, org.apache.kafka.clients.consumer.OffsetAndMetadata> commits = new HashMap<>();
            moves.forEach((tp, offset) -> commits.put(tp, new org.apache.kafka.clients.consumer.OffsetAndMetadata(offset)));
            try (Admin admin = broker.admin()) {
                broker.await(admin.alterConsumerGroupOffsets(d.group(), commits).all());
            }
            return;
        }
        try (Handle h = target.open("cdc-serve")) {
            h.useTransaction(tx -> {
                byTopic.forEach((topic, offsets) -> {
                    OffsetStore store = store(d, target, topic, ids);
                    Map<Integer, ApplyPlan.Stored> stored = store.lock(tx, List.copyOf(offsets.keySet()), Set.of());
                    offsets.forEach((partition, offset) -> stored.get(partition).moveTo(offset));
                    store.save(tx, stored);
                });
            });
        }
    }

    /**
     * The offsets of the pipeline's group in the topic, told the topic's id now: offsets stored for a
     * topic of that name deleted since are none (as consume reads them), and offsets set are the new one's.
     */
    private static OffsetStore store(PipelineDefinition d, Db target, String topic, Map<String, String> ids) {
        OffsetStore store = Engines.target(target).offsets(d.group(), topic);
        store.topicIs(ids.get(topic));
        return store;
    }

    private Map<String, String> ids(java.util.Collection<String> topics) {
        Map<String, String> ids = new HashMap<>();
        broker.findTopics(topics).forEach((topic, description) -> ids.put(topic, description.topicId().toString()));
        return ids;
    }

    private Map<TopicPartition, Long> committed(PipelineDefinition d) {
        Map<TopicPartition, Long> out = new HashMap<>();
        try (Admin admin = broker.admin()) {
            broker.await(admin.listConsumerGroupOffsets(d.group()).partitionsToOffsetAndMetadata())
                    .forEach((tp, o) -> {
                        if (o != null) {
                            out.put(tp, o.offset());
                        }
                    });
        }
        return out;
    }

    private static String defaultTopic(String table) {
        String[] t = Table.parseName(table);
        return dev.cdc.source.Capture.defaultTopic(t[0], t[1]);
    }

    static ArrayNode json(List<Partition> partitions) {
        ArrayNode a = Json.MAPPER.createArrayNode();
        for (Partition p : partitions) {
            ObjectNode o = a.addObject().put("topic", p.topic()).put("partition", p.partition());
            o.put("applied_offset", p.applied()).put("earliest_offset", p.earliest()).put("end_offset", p.end())
                    .put("lag", p.end() - (p.applied() == null ? p.earliest() : p.applied()));
        }
        return a;
    }

    private static List<String> topics(PipelineDefinition d, Handle h, Db target) {
        if (d.consolidateInto() != null) {
            return List.of(d.consolidatedTopic());
        }
        return Feeds.list(h, target, d.tables().stream().map(Table::parseName).toList()).stream()
                .map(Feeds.Feed::topic).distinct().toList();
    }

    /** Per partition of the topics, the earliest offset kept and the end. */
    private Map<TopicPartition, long[]> bounds(Set<String> topics) {
        try (Admin admin = broker.admin()) {
            Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            broker.findTopics(topics).forEach((name, description) -> description.partitions().forEach(p -> {
                earliest.put(new TopicPartition(name, p.partition()), OffsetSpec.earliest());
                latest.put(new TopicPartition(name, p.partition()), OffsetSpec.latest());
            }));
            var first = broker.await(admin.listOffsets(earliest).all());
            var end = broker.await(admin.listOffsets(latest).all());
            Map<TopicPartition, long[]> out = new HashMap<>();
            first.forEach((tp, info) -> out.put(tp, new long[] {info.offset(), end.get(tp).offset()}));
            return out;
        }
    }
}
