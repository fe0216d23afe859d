package dev.cdc.sink;

import dev.cdc.base.Failure;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;

/**
 * Where {@code cdc consume} delivers events: the target database ({@code dev.cdc.target.DatabaseSink}) or an HTTP
 * endpoint ({@link HttpSink}). The consumer reads, batches, retries and sends rejected events to a
 * dead-letter topic; the sink delivers a batch and says where each partition is to be read from.
 */
public interface Sink extends AutoCloseable {
    /**
     * Delivers one batch: per partition, its records in offset order. A failure that may go away by
     * itself is a {@link Failure} with {@link Failure#UNREACHABLE} (the batch is delivered again);
     * events the sink refuses are a {@link Failure} with {@link Failure#BAD_EVENT}; anything else
     * stops consume.
     */
    Delivered deliver(Map<TopicPartition, List<Decoded>> batch);

    /**
     * The next offset of each partition, as the sink stored it with what it delivered (a partition
     * without one is read from its start); null: the sink keeps no offsets, the consumer commits
     * them to Kafka after each delivery and reads from there.
     */
    Map<Integer, Long> storedOffsets();

    /**
     * The topic's id, as Kafka gives it now (null: unknown), told before {@link #storedOffsets}: a
     * sink that stores offsets keeps them with the id, since a topic deleted and created again under
     * the same name has another one, and the offsets stored for the old one mean nothing in it.
     */
    default void topicIs(String topicId) {
    }

    /** A batch for messages: "topic T partition 2 offsets 0-24, partition 1 offsets 0-42". */
    static String describe(Map<TopicPartition, List<Decoded>> batch) {
        StringBuilder w = new StringBuilder();
        batch.forEach((tp, list) -> w.append(w.length() == 0 ? "topic " + tp.topic() + " " : ", ").append("partition ")
                .append(tp.partition()).append(" offsets ").append(list.get(0).record().offset()).append("-")
                .append(list.get(list.size() - 1).record().offset()));
        return w.toString();
    }

    /** The sink, for messages: "the target database jdbc:...", "https://...". */
    String where();

    @Override
    void close();
}
