package dev.cdc.kafka;

import dev.cdc.base.Failure;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.NewTopic;
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

    /**
     * Creates the topic; returns what it did. An existing topic of another shape is a {@link Failure}.
     * A null replication factor is the default: 3, or the number of brokers when fewer; from 3 on,
     * the topic gets min.insync.replicas=2, so that an acknowledged event is on two brokers at least.
     */
    public static String create(Kafka kafka, int partitions, Short replication) {
        return create(kafka, List.of(kafka.topic()), partitions, replication).get(0);
    }

    /**
     * Creates the topics (on the broker of {@code kafka}) in one request, as {@link #create(Kafka, int, Short)}
     * does one: returns one line per topic, in order; an existing one of another shape is a {@link Failure}
     * and nothing is created.
     */
    public static List<String> create(Kafka kafka, List<String> names, int partitions, Short replication) {
        try (Admin admin = kafka.admin()) {
            Map<String, TopicDescription> existing = kafka.findTopics(names);
            for (var d : existing.values()) {
                int rf = d.partitions().get(0).replicas().size();
                if (d.partitions().size() != partitions || replication != null && rf != replication) {
                    throw Failure.precondition("topic '" + d.name() + "' already exists with " + d.partitions().size()
                            + " partitions and replication factor " + rf + ", not " + partitions + " and " + replication
                            + " as asked (use it as it is with matching options, or delete it with: cdc topic --delete)");
                }
            }
            String chosen = "";
            short rf = replication == null ? 0 : replication;
            if (replication == null) {
                int brokers = kafka.await(admin.describeCluster().nodes()).size();
                rf = (short) Math.min(3, brokers);
                chosen = " (the default: min(3, brokers), " + brokers + " broker" + (brokers == 1 ? "" : "s") + ")";
            }
            var config = Kafka.topicConfig();
            if (rf >= 3) {
                config.put("min.insync.replicas", "2");
                chosen += ", min.insync.replicas 2";
            }
            List<NewTopic> missing = new ArrayList<>();
            for (String name : names) {
                if (!existing.containsKey(name)) {
                    missing.add(new NewTopic(name, partitions, rf).configs(config));
                }
            }
            createAll(kafka, admin, missing);
            List<String> lines = new ArrayList<>();
            for (String name : names) {
                TopicDescription d = existing.get(name);
                lines.add(d != null ? "topic " + name + " already exists with " + partitions + " partitions, replication factor "
                        + d.partitions().get(0).replicas().size() + ": kept"
                        : "topic " + name + " created with " + partitions + " partitions, replication factor " + rf + chosen);
            }
            return lines;
        }
    }

    private static void createAll(Kafka kafka, Admin admin, List<NewTopic> topics) {
        if (topics.isEmpty()) {
            return;
        }
        try {
            admin.createTopics(topics).all().get(30 + topics.size() / 10, java.util.concurrent.TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof org.apache.kafka.common.errors.InvalidReplicationFactorException) {
                throw Failure.precondition("cannot create topic '" + topics.get(0).name() + "': " + e.getCause().getMessage());
            }
            throw kafka.unreachable(e.getCause());
        } catch (Exception e) {
            throw kafka.unreachable(e);
        }
    }
}
