package dev.cdc.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cdc.base.Json;
import dev.cdc.kafka.Kafka;
import dev.cdc.kafka.Topics;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.kafka.common.TopicPartitionInfo;

/**
 * The topics of cdc serve's broker over HTTP: list, describe, create, change retention, delete,
 * through the same admin calls as {@code cdc topic}. Names are checked against what Kafka allows
 * before they reach the broker.
 */
final class TopicRoutes {
    private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9._-]{1,249}");
    private static final Set<String> CREATE = Set.of("name", "partitions", "replication_factor", "retention_ms", "retention_bytes");
    private static final Set<String> ALTER = Set.of("retention_ms", "retention_bytes");

    private final Kafka broker;

    TopicRoutes(Kafka broker) {
        this.broker = broker;
    }

    List<String> list() {
        return Topics.list(broker, false);
    }

    /** Partitions (leader, replicas, in sync) and settings, those set on the topic apart. */
    ObjectNode describe(String name) {
        Kafka topic = existing(name);
        Topics.Description d = Topics.describe(topic);
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("name", d.name()).put("partitions", d.partitions()).put("replication_factor", d.replicationFactor());
        ArrayNode parts = o.putArray("partition_info");
        for (TopicPartitionInfo p : d.partitionInfo()) {
            ObjectNode n = parts.addObject().put("partition", p.partition());
            n.put("leader", p.leader() == null ? null : p.leader().id());
            p.replicas().forEach(r -> n.withArray("replicas").add(r.id()));
            p.isr().forEach(r -> n.withArray("in_sync").add(r.id()));
        }
        o.set("settings", Json.MAPPER.valueToTree(d.settings()));
        o.set("changed_settings", Json.MAPPER.valueToTree(d.changedSettings()));
        return o;
    }

    ObjectNode create(JsonNode body) {
        Body.known(body, CREATE, "");
        String name = Body.text(body, "name");
        Kafka topic = named(name);
        int partitions = Body.number(body, "partitions", 3, 1, 10_000);
        Short replication = body.has("replication_factor") ? (short) Body.number(body, "replication_factor", 3, 1, 32) : null;
        Map<String, String> retention = retention(body); // checked before anything is made
        if (list().contains(name)) {
            throw BadRequest.conflict("topic " + name + " exists already");
        }
        Topics.create(topic, partitions, replication);
        if (!retention.isEmpty()) {
            Topics.alter(topic, retention);
        }
        return describe(name);
    }

    ObjectNode alter(String name, JsonNode body) {
        Body.known(body, ALTER, "");
        Map<String, String> retention = retention(body);
        if (retention.isEmpty()) {
            throw new BadRequest("give retention_ms or retention_bytes");
        }
        Topics.alter(existing(name), retention);
        return describe(name);
    }

    void delete(String name) {
        Topics.delete(existing(name));
    }

    private Kafka named(String name) {
        if (!NAME.matcher(name).matches()) {
            throw new BadRequest("a topic name is 1 to 249 letters, digits, '.', '_' or '-'");
        }
        return new Kafka(broker.bootstrapServers(), name, broker.overrides());
    }

    private Kafka existing(String name) {
        Kafka topic = named(name);
        if (!list().contains(name)) {
            throw BadRequest.notFound("topic " + name);
        }
        return topic;
    }

    /** retention.ms and retention.bytes; -1 is "no limit", as in Kafka. */
    private static Map<String, String> retention(JsonNode body) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String f : List.of("retention_ms", "retention_bytes")) {
            JsonNode v = body.get(f);
            if (v != null) {
                if (!v.isIntegralNumber() || v.asLong() < -1) {
                    throw new BadRequest(f + " must be a whole number, -1 for no limit");
                }
                m.put(f.replace('_', '.'), Long.toString(v.asLong()));
            }
        }
        return m;
    }
}
