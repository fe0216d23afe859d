package dev.cdc.consume;

import dev.cdc.base.Failure;
import dev.cdc.base.Metrics;
import dev.cdc.db.Db;
import dev.cdc.kafka.Kafka;
import dev.cdc.kafka.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dead-letter topics of {@code cdc consume --on-error dlq}: records that are not valid events,
 * or that the sink rejects, go there unchanged, with where they came from and why in headers. One
 * producer serves every topic consume reads, from any of its threads.
 */
final class DeadLetters implements AutoCloseable {
    /** Stands for the name of the topic a record came from in a dead-letter topic's name. */
    static final String TOPIC = "{topic}";
    private static final Logger log = LoggerFactory.getLogger("cdc.consume");
    private final Kafka kafka;
    private final String name;
    private final String group;
    private final AtomicLong sent = new AtomicLong();
    private KafkaProducer<byte[], byte[]> producer;

    /** {@code name}: the dead-letter topic, where {@value #TOPIC} stands for the topic a record came from. */
    DeadLetters(Kafka kafka, String name, String group) {
        this.kafka = kafka;
        this.name = name;
        this.group = group;
    }

    /** The dead-letter topic of a topic's records. */
    String topicFor(String topic) {
        return name.replace(TOPIC, topic);
    }

    /** Creates a dead-letter topic: one partition, the replication of the topic it serves. */
    void create(String name, int replication) {
        log.info(Topics.create(new Kafka(kafka.bootstrapServers(), name, kafka.overrides()), 1, (short) replication)
                + " (dead-letter topic)");
    }

    /** Records sent to the dead-letter topic. */
    long sent() {
        return sent.get();
    }

    /** Sends a record and returns once Kafka acknowledged it (before its offset is stored as consumed). */
    void send(ConsumerRecord<byte[], byte[]> r, String reason) {
        String topic = topicFor(r.topic());
        var out = new ProducerRecord<>(topic, null, r.key(), r.value());
        out.headers().add("cdc.error", reason.getBytes(StandardCharsets.UTF_8));
        out.headers().add("cdc.topic", r.topic().getBytes(StandardCharsets.UTF_8));
        out.headers().add("cdc.partition", Integer.toString(r.partition()).getBytes(StandardCharsets.UTF_8));
        out.headers().add("cdc.offset", Long.toString(r.offset()).getBytes(StandardCharsets.UTF_8));
        out.headers().add("cdc.group", group.getBytes(StandardCharsets.UTF_8));
        try {
            producer().send(out).get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw Failure.unreachable("cannot write to dead-letter topic " + topic + " at "
                    + kafka.bootstrapServers() + ": " + Db.rootMessage(e), e);
        }
        sent.incrementAndGet();
        Metrics.add("cdc_dead_letters_total", 1, "topic", r.topic());
        Metrics.add("cdc_errors_total", 1, "command", "consume");
        log.warn("sent topic {} partition {} offset {} to dead-letter topic {}: {}", r.topic(), r.partition(), r.offset(),
                topic, reason);
    }

    private synchronized KafkaProducer<byte[], byte[]> producer() {
        if (producer == null) {
            producer = kafka.producer("cdc-dead-letters");
        }
        return producer;
    }

    @Override
    public synchronized void close() {
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
        }
    }
}
