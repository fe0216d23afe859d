package dev.cdc.sink;

import dev.cdc.event.ChangeEvent;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * A record read from the topic and the event it holds; no event: a record sent to the
 * dead-letter topic, whose offset is consumed without applying anything.
 */
public record Decoded(ConsumerRecord<byte[], byte[]> record, ChangeEvent event) {
    public static Decoded deadLetter(ConsumerRecord<byte[], byte[]> record) {
        return new Decoded(record, null);
    }
}
