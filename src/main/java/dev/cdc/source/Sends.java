package dev.cdc.source;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;

/** The sends of one page to a topic, and the wait until Kafka acknowledged every one of them. */
final class Sends {
    private final KafkaProducer<byte[], byte[]> producer;
    private final String topic;
    private final AtomicReference<Exception> failed = new AtomicReference<>();
    private final Callback check = (meta, e) -> {
        if (e != null) {
            failed.compareAndSet(null, e);
        }
    };

    Sends(KafkaProducer<byte[], byte[]> producer, String topic) {
        this.producer = producer;
        this.topic = topic;
    }

    /** The topic's partitions, as the producer knows them. */
    int partitions() {
        return producer.partitionsFor(topic).size();
    }

    /** An event to one partition, keyed. */
    void send(int partition, byte[] key, String value) {
        producer.send(new ProducerRecord<>(topic, partition, key, value.getBytes(StandardCharsets.UTF_8)), check);
    }

    /** An event to each of the topic's {@code partitions}, without a key. */
    void sendToEvery(int partitions, String value) {
        byte[] v = value.getBytes(StandardCharsets.UTF_8);
        for (int p = 0; p < partitions; p++) {
            producer.send(new ProducerRecord<>(topic, p, null, v), check);
        }
    }

    /** Returns once Kafka acknowledged every send; the first failure is thrown. */
    void awaitAcks() {
        producer.flush();
        Exception e = failed.get();
        if (e != null) {
            throw e instanceof RuntimeException re ? re : new KafkaException(e);
        }
    }
}
