package dev.cdc;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/** Looking at and changing topics through the admin API: what cdc topic list/describe/alter/delete do. */
public final class Topics {
    private Topics() {
    }

    /** A topic's shape and settings, for describe. */
    public record Description(String name, int partitions, int replicationFactor, List<TopicPartitionInfo> partitionInfo,
                              Map<String, String> settings, Map<String, String> changedSettings) {
        /** The description as text: the shape, one line per partition, the settings changed from the defaults. */
        public List<String> lines() {
            List<String> out = new ArrayList<>();
            out.add("topic " + name + ": " + partitions + " partitions, replication factor " + replicationFactor);
            for (TopicPartitionInfo p : partitionInfo) {
                out.add(String.format("  partition %d: leader %s, replicas %s, in sync %s", p.partition(),
                        p.leader() == null ? "none" : p.leader().id(), ids(p.replicas()), ids(p.isr())));
            }
            out.add("  settings (those not at the broker's default are marked *):");
            settings.forEach((k, v) -> out.add("  " + (changedSettings.containsKey(k) ? "* " : "  ") + k + " = " + v));
            return out;
        }

        private static String ids(List<org.apache.kafka.common.Node> nodes) {
            return nodes.stream().map(n -> Integer.toString(n.id())).toList().toString();
        }
    }

    /** The topics on the cluster, sorted; Kafka's internal ones only if asked. */
    public static List<String> list(Kafka kafka, boolean internal) {
        try (Admin admin = kafka.admin()) {
            return kafka.await(admin.listTopics(new ListTopicsOptions().listInternal(internal)).names())
                    .stream().sorted().toList();
        }
    }

    public static Description describe(Kafka kafka) {
        try (Admin admin = kafka.admin()) {
            TopicDescription d = kafka.describeTopic(admin);
            ConfigResource r = new ConfigResource(ConfigResource.Type.TOPIC, kafka.topic());
            Map<String, String> all = new TreeMap<>();
            Map<String, String> changed = new TreeMap<>();
            for (ConfigEntry e : kafka.await(admin.describeConfigs(List.of(r)).all()).get(r).entries()) {
                String value = e.isSensitive() ? "(hidden)" : e.value();
                all.put(e.name(), value);
                if (e.source() == ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG) {
                    changed.put(e.name(), value);
                }
            }
            return new Description(d.name(), d.partitions().size(), d.partitions().get(0).replicas().size(),
                    d.partitions(), all, changed);
        }
    }

    /** Sets topic settings (name to value); the topic must exist. Returns what was set, one line each. */
    public static List<String> alter(Kafka kafka, Map<String, String> settings) {
        try (Admin admin = kafka.admin()) {
            kafka.describeTopic(admin);
            ConfigResource r = new ConfigResource(ConfigResource.Type.TOPIC, kafka.topic());
            List<AlterConfigOp> ops = settings.entrySet().stream()
                    .map(e -> new AlterConfigOp(new ConfigEntry(e.getKey(), e.getValue()), AlterConfigOp.OpType.SET)).toList();
            try {
                kafka.await(admin.incrementalAlterConfigs(Map.of(r, ops)).all());
            } catch (Failure f) {
                if (f.getCause() instanceof org.apache.kafka.common.errors.InvalidConfigurationException
                        || f.getCause() instanceof org.apache.kafka.common.errors.InvalidRequestException) {
                    throw Failure.usage("Kafka refused the settings for topic '" + kafka.topic() + "': " + f.getCause().getMessage());
                }
                throw f;
            }
            return settings.entrySet().stream().map(e -> "topic " + kafka.topic() + ": " + e.getKey() + " = " + e.getValue()).toList();
        }
    }

    /** Deletes the topic and its events; a missing topic is a {@link Failure}. */
    public static void delete(Kafka kafka) {
        try (Admin admin = kafka.admin()) {
            try {
                kafka.await(admin.deleteTopics(List.of(kafka.topic())).all());
            } catch (Failure f) {
                if (f.getCause() instanceof UnknownTopicOrPartitionException) {
                    throw Failure.precondition("topic '" + kafka.topic() + "' does not exist on Kafka at " + kafka.bootstrapServers());
                }
                throw f;
            }
        }
    }
}
