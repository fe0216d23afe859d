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
 * The dead-letter topic of {@code cdc consume --on-error dlq}: records that are not valid events,
 * or that the sink rejects, go there unchanged, with where they came from and why in headers.
 */
final class DeadLetters implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger("cdc.consume");
    private final Kafka kafka;
    private final String topic;
    private final String group;
    private final AtomicLong sent = new AtomicLong();
    private KafkaProducer<byte[], byte[]> producer;

    DeadLetters(Kafka kafka, String topic, String group) {
        this.kafka = kafka;
        this.topic = topic;
        this.group = group;
    }

    String topic() {
        return topic;
    }

    /** Creates the dead-letter topic when missing: one partition, the replication of the topic it serves. */
    void ensureTopic(int replication) {
        Kafka dlq = new Kafka(kafka.bootstrapServers(), topic, kafka.overrides());
        try (var admin = dlq.admin()) {
            if (dlq.findTopic(admin).isEmpty()) {
                log.info(Topics.create(dlq, 1, (short) replication) + " (dead-letter topic)");
            }
        }
    }

    /** Records sent to the dead-letter topic. */
    long sent() {
        return sent.get();
    }

    /** Sends a record and returns once Kafka acknowledged it (before its offset is stored as consumed). */
    void send(ConsumerRecord<byte[], byte[]> r, String reason) {
        if (producer == null) {
            producer = kafka.producer("cdc-dead-letters");
        }
        var out = new ProducerRecord<>(topic, null, r.key(), r.value());
        out.headers().add("cdc.error", reason.getBytes(StandardCharsets.UTF_8));
        out.headers().add("cdc.topic", r.topic().getBytes(StandardCharsets.UTF_8));
        out.headers().add("cdc.partition", Integer.toString(r.partition()).getBytes(StandardCharsets.UTF_8));
        out.headers().add("cdc.offset", Long.toString(r.offset()).getBytes(StandardCharsets.UTF_8));
        out.headers().add("cdc.group", group.getBytes(StandardCharsets.UTF_8));
        try {
            producer.send(out).get(60, TimeUnit.SECONDS);
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

    @Override
    public void close() {
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
        }
    }
}
