package dev.cdc.consume;

import dev.cdc.base.Metrics;
import dev.cdc.sink.Decoded;
import dev.cdc.sink.Delivered;
import dev.cdc.sink.Sink;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * One topic that consume applies: its sink, its {@link Delivery}, and the lane (a thread and a
 * target connection, see {@link Lanes}) it is applied on, always the same one, so that its batches
 * are applied one after the other, in order. It runs on its lane and leaves what the Kafka consumer
 * must do (seek, commit) in an {@link Outcome}, since only the consumer's own thread may use it.
 */
final class TopicFeed {
    private final String topic;
    private final int lane;
    private final Sink sink;
    private final Delivery delivery;

    TopicFeed(String topic, int lane, Sink sink, Delivery delivery) {
        this.topic = topic;
        this.lane = lane;
        this.sink = sink;
        this.delivery = delivery;
    }

    String topic() {
        return topic;
    }

    int lane() {
        return lane;
    }

    Sink sink() {
        return sink;
    }

    /** What the batches of a lane did, for the consumer's thread to act on. */
    static final class Outcome {
        /** Partitions read past the offset their sink stored: to be read again from there. */
        final Map<TopicPartition, Long> seeks = new HashMap<>();
        /** The next offset of every partition delivered (informative for a sink that stores its own). */
        final Map<TopicPartition, OffsetAndMetadata> commits = new HashMap<>();
        long events;
        long batches;
        /** Asked to stop before all was delivered: what was not is read again on the next start. */
        boolean stopped;
        /** What stops consume, after what was delivered before it is committed. */
        RuntimeException failure;

        boolean done() {
            return stopped || failure != null;
        }
    }

    /** Delivers the topic's records of a poll, batch after batch, until all are or one stops consume. */
    void deliver(List<Map<TopicPartition, List<ConsumerRecord<byte[], byte[]>>>> chunks, Outcome out) {
        try {
            for (var chunk : chunks) {
                chunk.keySet().removeAll(out.seeks.keySet()); // read again from where the sink asked
                if (!chunk.isEmpty() && !deliverChunk(chunk, out)) {
                    return;
                }
            }
        } catch (RuntimeException e) {
            out.failure = e;
        }
    }

    private boolean deliverChunk(Map<TopicPartition, List<ConsumerRecord<byte[], byte[]>>> records, Outcome out) {
        Delivery.Decoding decoded = delivery.decode(records);
        Map<TopicPartition, List<Decoded>> batch = decoded.batch();
        if (!batch.isEmpty()) {
            long started = System.nanoTime();
            Delivered result = delivery.deliver(batch);
            if (result == null || !delivery.flushed(batch, result)) {
                out.stopped = true; // nothing of it is stored as consumed: read again on the next start
                return false;
            }
            out.seeks.putAll(result.seeks());
            out.events += result.events();
            out.batches++;
            batch.forEach((tp, list) -> {
                if (!result.seeks().containsKey(tp)) {
                    out.commits.put(tp, new OffsetAndMetadata(list.get(list.size() - 1).record().offset() + 1));
                }
            });
            Metrics.add("cdc_applied_events_total", result.events(), "topic", topic);
            Metrics.add("cdc_skipped_events_total", result.skipped(), "topic", topic);
            Metrics.add("cdc_apply_batches_total", 1, "topic", topic);
            double seconds = (System.nanoTime() - started) / 1e9;
            Metrics.add("cdc_apply_batch_seconds_total", seconds, "topic", topic);
            Metrics.observe("cdc_apply_batch_duration_seconds", seconds, "topic", topic);
            if (result.skipped() == 0) { // a batch with replayed events (after a restart, a reset) says nothing of latency
                long now = System.currentTimeMillis();
                batch.forEach((tp, list) -> list.forEach(d -> {
                    if (!result.seeks().containsKey(tp) && d.event() != null && d.event().tsMs() >= 0) {
                        Metrics.observe("cdc_end_to_end_latency_seconds", Math.max(0, now - d.event().tsMs()) / 1e3, "topic", topic);
                    }
                }));
            }
        }
        if (decoded.poison() != null) {
            out.failure = decoded.poison();
            return false;
        }
        return true;
    }
}
