package dev.cdc.kafka;

import java.time.Duration;
import org.apache.kafka.clients.producer.KafkaProducer;

/**
 * The one Kafka producer of a {@code cdc produce} process, used by all its source connections at
 * once (a KafkaProducer is safe to share between threads). After a Kafka failure the thread that
 * met it discards it; the next one to ask gets a new producer, so that a page sent again after a
 * failure never follows records of the failed producer still waiting to be retried.
 */
public final class SharedProducer implements AutoCloseable {
    private final Kafka kafka;
    private final String clientId;
    private KafkaProducer<byte[], byte[]> producer;

    public SharedProducer(Kafka kafka, String clientId) {
        this.kafka = kafka;
        this.clientId = clientId;
    }

    /** The producer, created when first asked for (and after one was discarded). */
    public synchronized KafkaProducer<byte[], byte[]> get() {
        if (producer == null) {
            producer = kafka.producer(clientId);
        }
        return producer;
    }

    /** Whether this producer was discarded (or closed) since it was handed out. */
    public synchronized boolean discarded(KafkaProducer<byte[], byte[]> p) {
        return p != producer;
    }

    /**
     * Closes the producer that failed, unless another thread discarded it already (then the current
     * one is newer and is kept); waits up to {@code timeout} for its records in flight.
     */
    public void discard(KafkaProducer<byte[], byte[]> failed, Duration timeout) {
        synchronized (this) {
            if (failed == null || failed != producer) {
                return;
            }
            producer = null;
        }
        failed.close(timeout);
    }

    /** Closes the producer, waiting up to {@code timeout} for its records in flight (zero: drops them). */
    public void close(Duration timeout) {
        KafkaProducer<byte[], byte[]> p;
        synchronized (this) {
            p = producer;
            producer = null;
        }
        if (p != null) {
            p.close(timeout);
        }
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(5));
    }
}
