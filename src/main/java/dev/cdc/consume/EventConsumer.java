package dev.cdc.consume;

import dev.cdc.base.Failure;
import dev.cdc.base.Metrics;
import dev.cdc.base.Progress;
import dev.cdc.db.Db;
import dev.cdc.engine.Engines;
import dev.cdc.event.ChangeEvent;
import dev.cdc.kafka.Kafka;
import dev.cdc.sink.Decoded;
import dev.cdc.sink.Delivered;
import dev.cdc.sink.Sink;
import dev.cdc.target.Applier;
import dev.cdc.target.DatabaseSink;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetOutOfRangeException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code cdc consume}: reads the topic in a consumer group and applies every batch of events to
 * the target in one transaction, offsets included (see {@link Applier}). On partition assignment
 * it seeks to the offsets stored in the target, never to Kafka's. A message that is not a valid
 * event stops it with the topic, partition and offset; the events before it are applied. The
 * target going away is waited out with backoff; the batch in hand is applied when it is back.
 */
public final class EventConsumer implements Runnable {
    private static final Logger log = LoggerFactory.getLogger("cdc.consume");

    /**
     * @param deadLetters null: an event that is invalid or that the target rejects stops consume;
     *                    else the topic such events are sent to, with the reason in headers, before
     *                    consume goes on past them
     * @param consolidateInto null, or the consolidated table ("schema.table") every event goes
     *                    into, keyed by source name and key ({@link ChangeEvent#consolidated})
     */
    public record Config(Db target, Kafka kafka, String group, long progressMillis, String deadLetters,
                         Batching batching, String consolidateInto) {
        public Config(Db target, Kafka kafka, String group, long progressMillis) {
            this(target, kafka, group, progressMillis, null, Batching.DATABASE, null);
        }
    }

    /**
     * When a batch is delivered and what happens around it: at {@code maxSize} events, or
     * {@code maxWaitMillis} after the first one came (0: whatever each poll returned); a failed
     * delivery is retried {@code maxRetries} times (-1: until it works) after {@code backoffMillis},
     * doubling; {@code onFlush}: a shell command run after each delivered batch, or null.
     */
    public record Batching(int maxSize, long maxWaitMillis, int maxRetries, long backoffMillis, String onFlush) {
        public static final Batching DATABASE = new Batching(5000, 0, -1, 200, null);
        public static final Batching HTTP = new Batching(500, 0, 5, 1000, null);
    }

    private final Config cfg;
    private final Sink sink;
    private final DeadLetters deadLetters;
    private final Delivery delivery;
    /** Records read and not yet delivered; see {@link Batching}. */
    private final Pending pending = new Pending();
    /** Partitions sought back during this delivery: their pending records are read again. */
    private final java.util.Set<TopicPartition> soughtBack = new java.util.HashSet<>();
    private final AtomicLong applied = new AtomicLong();
    private final Progress progress;
    private volatile boolean stopping;
    private volatile KafkaConsumer<byte[], byte[]> consumer;
    private long batches;
    private Assignment assignment;

    /** Applies to the target database. */
    public EventConsumer(Config cfg) {
        this(cfg, false);
    }

    /**
     * Applies to the target database; {@code generatedExpressions}: a generated column announced on
     * the topic is created with its expression (the operator trusts the topic), else refused.
     */
    public EventConsumer(Config cfg, boolean generatedExpressions) {
        this(cfg, new DatabaseSink(cfg.target(), new Applier(Engines.target(cfg.target()), cfg.group(), cfg.kafka().topic(),
                cfg.consolidateInto() != null, generatedExpressions)));
    }

    public EventConsumer(Config cfg, Sink sink) {
        this.cfg = cfg;
        this.sink = sink;
        this.progress = new Progress(cfg.progressMillis());
        this.deadLetters = cfg.deadLetters() == null ? null : new DeadLetters(cfg.kafka(), cfg.deadLetters(), cfg.group());
        this.delivery = new Delivery(cfg, sink, deadLetters, () -> stopping);
    }

    public void stop() {
        stopping = true;
        KafkaConsumer<byte[], byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
    }

    /** Events applied, each counted once (duplicates skipped are not counted). */
    public long applied() {
        return applied.get();
    }

    /**
     * Checks what must be there before running: the target's bookkeeping and the rights on it (with
     * a target database), the topic, and the dead-letter topic (created when missing).
     */
    public void preflight() {
        if (cfg.target() != null) {
            cfg.target().run("consume", h -> {
                Engines.target(cfg.target()).preflight(h, cfg.target(), cfg.kafka().topic(), cfg.consolidateInto());
                return null;
            });
        }
        var topic = cfg.kafka().requireTopic();
        if (deadLetters != null) {
            deadLetters.ensureTopic(topic.partitions().get(0).replicas().size());
        }
    }

    /** Records sent to the dead-letter topic. */
    public long deadLettered() {
        return deadLetters == null ? 0 : deadLetters.sent();
    }

    @Override
    public void run() {
        consumer = cfg.kafka().consumer("cdc-consume", cfg.group());
        try {
            assignment = new Assignment(cfg.kafka(), sink, pending, consumer);
            consumer.subscribe(List.of(cfg.kafka().topic()), assignment);
            log.info("applying topic {} at {} to {} (group {})", cfg.kafka().topic(),
                    cfg.kafka().bootstrapServers(), sink.where(), cfg.group());
            while (!stopping) {
                ConsumerRecords<byte[], byte[]> records;
                try {
                    records = consumer.poll(Duration.ofMillis(pending.count() == 0 ? 500
                            : Math.max(1, cfg.batching().maxWaitMillis() - pending.waitedMillis())));
                } catch (WakeupException e) {
                    break;
                } catch (org.apache.kafka.clients.consumer.NoOffsetForPartitionException e) {
                    throw new IllegalStateException("no position for partitions " + e.partitions()
                            + " after assignment", e);
                } catch (OffsetOutOfRangeException e) {
                    if (assignment.topicChanged()) { // deleted and created again: its partitions are read from their start
                        assignment.onPartitionsAssigned(consumer.assignment());
                        continue;
                    }
                    throw Failure.badEvent("events of topic " + cfg.kafka().topic() + " were deleted by the topic's "
                            + "retention before they were applied (stored offsets " + e.offsetOutOfRangePartitions()
                            + " are gone); the target must be re-synchronized", e);
                }
                pending.add(records);
                if (pending.due(cfg.batching())) {
                    deliverPending();
                }
                for (TopicPartition tp : consumer.assignment()) {
                    long lag = consumer.currentLag(tp).orElse(0);
                    Metrics.gauge("cdc_consumer_lag", () -> lag, "topic", tp.topic(), "partition", Integer.toString(tp.partition()));
                }
                report();
            }
        } finally {
            try {
                consumer.close(org.apache.kafka.clients.consumer.CloseOptions.timeout(Duration.ofSeconds(5)));
            } catch (KafkaException ignored) {
                // closing anyway
            }
            sink.close();
            if (deadLetters != null) {
                deadLetters.close();
            }
        }
    }

    /** Delivers what is pending, in batches of at most maxSize events. */
    private void deliverPending() {
        for (var chunk : pending.chunks(cfg.batching().maxSize())) {
            applyBatch(chunk);
        }
        pending.clear();
        soughtBack.clear();
    }

    private void applyBatch(Map<TopicPartition, List<ConsumerRecord<byte[], byte[]>>> records) {
        records.keySet().removeAll(soughtBack); // read again from where the sink asked
        if (records.isEmpty()) {
            return;
        }
        Delivery.Decoding decoded = delivery.decode(records);
        Map<TopicPartition, List<Decoded>> batch = decoded.batch();
        if (!batch.isEmpty()) {
            long started = System.nanoTime();
            Delivered result = delivery.deliver(batch);
            if (result == null) {
                return; // stopping: nothing was stored, the batch is read again on the next start
            }
            result.seeks().forEach((tp, offset) -> {
                log.warn("partition {} was read past the stored offset {}; seeking back", tp, offset);
                consumer.seek(tp, offset);
                soughtBack.add(tp);
            });
            applied.addAndGet(result.events());
            progress.add(result.events());
            batches++;
            String topic = cfg.kafka().topic();
            Metrics.add("cdc_applied_events_total", result.events(), "topic", topic);
            Metrics.add("cdc_skipped_events_total", result.skipped(), "topic", topic);
            Metrics.add("cdc_apply_batches_total", 1, "topic", topic);
            Metrics.add("cdc_apply_batch_seconds_total", (System.nanoTime() - started) / 1e9, "topic", topic);
            if (!delivery.flushed(batch, result)) {
                return; // stopping: the batch's offsets are not committed to Kafka
            }
            commitToKafka(batch, result);
        }
        if (decoded.poison() != null) {
            throw decoded.poison();
        }
    }

    /**
     * Stores the batch's offsets in Kafka: only informative when the sink stores its own (the
     * target database's decide), else where consume resumes, so synchronously.
     */
    private void commitToKafka(Map<TopicPartition, List<Decoded>> batch, Delivered result) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        batch.forEach((tp, list) -> {
            if (!result.seeks().containsKey(tp)) {
                offsets.put(tp, new OffsetAndMetadata(list.get(list.size() - 1).record().offset() + 1));
            }
        });
        if (!assignment.sinkStoresOffsets()) {
            try {
                consumer.commitSync(offsets);
            } catch (WakeupException e) {
                consumer.commitSync(offsets); // woken by a stop request: the batch was delivered, store that
            }
            return;
        }
        consumer.commitAsync(offsets, (o, e) -> {
            if (e != null) {
                log.debug("could not commit offsets to Kafka (informative only): {}", e.getMessage());
            }
        });
    }

    private void report() {
        if (!progress.due()) {
            return;
        }
        long rate = progress.rate();
        long lag = 0;
        for (TopicPartition tp : consumer.assignment()) {
            lag += consumer.currentLag(tp).orElse(0);
        }
        log.info("applied {} events ({}/s) in {} batches, lag {}, partitions {}{}", applied.get(), rate, batches, lag,
                consumer.assignment().stream().map(TopicPartition::partition).sorted().toList(),
                deadLettered() == 0 ? "" : ", " + deadLettered() + " sent to " + cfg.deadLetters());
    }
}
