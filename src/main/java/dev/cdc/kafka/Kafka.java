package dev.cdc.kafka;

import dev.cdc.base.Failure;
import dev.cdc.db.Db;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Where the broker is, which topic to use, and the client settings the tool relies on. */
public record Kafka(String bootstrapServers, String topic, Map<String, String> overrides) {

    /** Largest event the producer sends; the topic is created to accept it too. */
    public static final int MAX_EVENT_BYTES = 16 * 1024 * 1024;

    private Properties base(String clientId) {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(AdminClientConfig.CLIENT_ID_CONFIG, clientId);
        p.putAll(overrides);
        return p;
    }

    /** Idempotent, acks=all, ordered per partition even across internal retries, one request in flight. */
    public KafkaProducer<byte[], byte[]> producer(String clientId) {
        Properties p = base(clientId);
        p.putIfAbsent(ProducerConfig.ACKS_CONFIG, "all");
        p.putIfAbsent(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        // One request in flight per broker: with several, a first request to a partition the broker
        // does not know yet (a new topic) can fail while the next one is appended; the broker, with
        // no state for the producer there, takes it, and the first one's events are then refused for
        // good (KAFKA-15591): sent again after the later ones, they look older than what the consumer
        // applied, and would be skipped. Pages are awaited whole anyway, so little is lost.
        p.putIfAbsent(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1");
        p.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, "5");
        p.putIfAbsent(ProducerConfig.BATCH_SIZE_CONFIG, String.valueOf(256 * 1024));
        p.putIfAbsent(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        p.putIfAbsent(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, String.valueOf(MAX_EVENT_BYTES));
        p.putIfAbsent(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "60000");
        return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** Offsets live in the target database; Kafka's committed offsets are only informative. */
    public KafkaConsumer<byte[], byte[]> consumer(String clientId, String group) {
        Properties p = base(clientId);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        p.putIfAbsent(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        // Every assigned partition is sought explicitly; a stored offset that the topic no longer
        // holds (retention) must stop consume loudly, never be reset silently.
        p.putIfAbsent(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none");
        p.putIfAbsent(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        // A consume that died (kill -9, a lost machine) keeps its partitions until the session times
        // out, and nothing is applied meanwhile: 10 s instead of Kafka's 45 s (heartbeats every 3 s).
        p.putIfAbsent(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "10000");
        // Kafka returns a record larger than these limits anyway (alone): they bound memory, not size.
        p.putIfAbsent(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, String.valueOf(2 * 1024 * 1024));
        p.putIfAbsent(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, String.valueOf(8 * 1024 * 1024));
        return new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    public Admin admin() {
        Properties p = base("cdc-admin");
        p.putIfAbsent(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
        p.putIfAbsent(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "15000");
        return Admin.create(p);
    }

    /** The topic's description; a missing topic or an unreachable broker is a {@link Failure}. */
    public TopicDescription describeTopic(Admin admin) {
        return findTopic(admin).orElseThrow(() -> Failure.precondition("topic '" + topic + "' does not exist on Kafka at "
                + bootstrapServers + " (create it with: cdc topic)"));
    }

    /** The topic's description, or empty when it does not exist; an unreachable broker is a {@link Failure}. */
    public java.util.Optional<TopicDescription> findTopic(Admin admin) {
        try {
            return java.util.Optional.of(await(admin.describeTopics(List.of(topic)).allTopicNames()).get(topic));
        } catch (Failure f) {
            if (f.getCause() instanceof UnknownTopicOrPartitionException) {
                return java.util.Optional.empty();
            }
            throw f;
        }
    }

    /** The result of an admin call, within 15 s; an error or no answer is a {@link Failure} (unreachable). */
    public <T> T await(org.apache.kafka.common.KafkaFuture<T> future) {
        try {
            return future.get(15, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw unreachable(e.getCause());
        } catch (java.util.concurrent.TimeoutException e) {
            throw unreachable(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unreachable(e);
        }
    }

    /** The descriptions of those of the topics that exist; an unreachable broker is a {@link Failure}. */
    public Map<String, TopicDescription> findTopics(java.util.Collection<String> topics) {
        try (Admin admin = admin()) {
            Map<String, TopicDescription> found = new java.util.TreeMap<>();
            var described = admin.describeTopics(topics).topicNameValues();
            for (String t : topics) {
                try {
                    found.put(t, await(described.get(t)));
                } catch (Failure f) {
                    if (!(f.getCause() instanceof UnknownTopicOrPartitionException)) {
                        throw f;
                    }
                }
            }
            return found;
        }
    }

    /** Checks the broker answers and the topics exist (a missing one is a {@link Failure} naming them). */
    public Map<String, TopicDescription> requireTopics(java.util.Collection<String> topics) {
        Map<String, TopicDescription> found = findTopics(topics);
        List<String> missing = topics.stream().filter(t -> !found.containsKey(t)).sorted().toList();
        if (!missing.isEmpty()) {
            throw Failure.precondition((missing.size() == 1 ? "topic '" + missing.get(0) + "' does not"
                    : "topics " + String.join(", ", missing) + " do not") + " exist on Kafka at " + bootstrapServers
                    + " (create " + (missing.size() == 1 ? "it" : "them") + " with: cdc topic)");
        }
        return found;
    }

    /** Checks the broker answers and the topic exists. */
    public TopicDescription requireTopic() {
        return requireTopics(List.of(topic)).get(topic);
    }

    public Failure unreachable(Throwable cause) {
        String why = cause instanceof java.util.concurrent.TimeoutException
                || cause instanceof org.apache.kafka.common.errors.TimeoutException
                ? "no answer within 15 s" : Db.rootMessage(cause);
        return Failure.unreachable("cannot reach Kafka at " + bootstrapServers + ": " + why, cause);
    }

    /** Topic settings that let the largest event through. */
    public static Map<String, String> topicConfig() {
        Map<String, String> c = new HashMap<>();
        c.put("max.message.bytes", String.valueOf(MAX_EVENT_BYTES));
        return c;
    }

    /**
     * The partition of an event's key: Kafka's own choice for a keyed record (murmur2 of the key's
     * bytes), computed here so that a consumer can tell which partition holds a target row's
     * changes (a truncate event empties, in each partition, the rows of that partition).
     */
    public static int partitionFor(byte[] key, int partitions) {
        return org.apache.kafka.common.utils.Utils.toPositive(org.apache.kafka.common.utils.Utils.murmur2(key)) % partitions;
    }
}
