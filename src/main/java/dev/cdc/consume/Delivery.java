package dev.cdc.consume;

import dev.cdc.base.Backoff;
import dev.cdc.base.Failure;
import dev.cdc.base.Metrics;
import dev.cdc.db.Db;
import dev.cdc.event.ChangeEvent;
import dev.cdc.sink.Decoded;
import dev.cdc.sink.Delivered;
import dev.cdc.sink.Sink;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One topic's batches from records to its sink: decodes them (an invalid one stops consume, or goes to the
 * dead-letter topic), delivers them, waiting out a sink that is away, finds the events a sink
 * rejects by delivering one by one (with a dead-letter topic), and runs the --on-flush command.
 */
final class Delivery {
    private static final Logger log = LoggerFactory.getLogger("cdc.consume");
    private final EventConsumer.Batching batching;
    private final String topic;
    /** Null, or the consolidated table ("schema.table") every event goes into. */
    private final String consolidateInto;
    private final Sink sink;
    /** Null: an event that is invalid or that the sink rejects stops consume. */
    private final DeadLetters deadLetters;
    private final Backoff backoff;
    private final BooleanSupplier stopping;

    Delivery(EventConsumer.Config cfg, Feeds.Feed feed, Sink sink, DeadLetters deadLetters, BooleanSupplier stopping) {
        this.batching = cfg.batching();
        this.topic = feed.topic();
        this.consolidateInto = feed.consolidated() ? feed.table() : null;
        this.sink = sink;
        this.deadLetters = deadLetters;
        this.stopping = stopping;
        this.backoff = new Backoff(batching.backoffMillis(), Math.max(10_000, batching.backoffMillis()));
    }

    /**
     * The decoded records, per partition, up to the first invalid one (without a dead-letter
     * topic): that one is {@code poison}, to throw once the records before it were delivered.
     */
    record Decoding(Map<TopicPartition, List<Decoded>> batch, Failure poison) {
    }

    Decoding decode(Map<TopicPartition, List<ConsumerRecord<byte[], byte[]>>> records) {
        Map<TopicPartition, List<Decoded>> batch = new LinkedHashMap<>();
        Failure poison = null;
        for (TopicPartition tp : records.keySet()) {
            List<Decoded> list = new ArrayList<>();
            for (ConsumerRecord<byte[], byte[]> r : records.get(tp)) {
                try {
                    ChangeEvent ev = ChangeEvent.decode(r.value());
                    list.add(new Decoded(r, consolidateInto == null ? ev : ev.consolidated(consolidateInto)));
                } catch (ChangeEvent.InvalidEvent e) {
                    if (deadLetters != null) {
                        deadLetters.send(r, "invalid event: " + e.getMessage());
                        list.add(Decoded.deadLetter(r));
                        continue;
                    }
                    poison = Failure.badEvent("invalid event in topic " + tp.topic() + ", partition " + tp.partition()
                            + ", offset " + r.offset() + ": " + e.getMessage() + " (consume stops here; the events "
                            + "before it were applied)", null);
                    break;
                }
            }
            if (!list.isEmpty()) {
                batch.put(tp, list);
            }
            if (poison != null) {
                break; // the other partitions are re-read from their stored offsets next time
            }
        }
        return new Decoding(batch, poison);
    }

    /** Delivers the batch; null when asked to stop meanwhile (nothing was stored). */
    Delivered deliver(Map<TopicPartition, List<Decoded>> batch) {
        try {
            return deliverUntilDone(batch);
        } catch (Failure e) {
            if (deadLetters == null || e.exitCode() != Failure.BAD_EVENT) {
                throw e;
            }
            log.warn("{} rejected a batch ({}); applying its events one by one to find the rejected ones",
                    sink.where(), Db.rootMessage(e));
            return deliverEachAlone(batch);
        }
    }

    /**
     * Delivers the batch's events one at a time, in offset order per partition; an event the sink
     * rejects goes to the dead-letter topic and its offset is stored as consumed.
     */
    private Delivered deliverEachAlone(Map<TopicPartition, List<Decoded>> batch) {
        int events = 0;
        int skipped = 0;
        int rows = 0;
        Map<TopicPartition, Long> seeks = new HashMap<>();
        java.util.Set<String> tables = null;
        for (var e : batch.entrySet()) {
            for (Decoded d : e.getValue()) {
                Delivered r;
                try {
                    r = deliverUntilDone(Map.of(e.getKey(), List.of(d)));
                } catch (Failure rejected) {
                    if (rejected.exitCode() != Failure.BAD_EVENT) {
                        throw rejected;
                    }
                    deadLetters.send(d.record(), rejected.getMessage());
                    r = deliverUntilDone(Map.of(e.getKey(), List.of(Decoded.deadLetter(d.record()))));
                }
                if (r == null) {
                    return null;
                }
                events += r.events();
                skipped += r.skipped();
                rows += r.rows();
                if (r.tables() != null) {
                    tables = tables == null ? new java.util.TreeSet<>() : tables;
                    tables.addAll(r.tables());
                }
                if (!r.seeks().isEmpty()) {
                    seeks.putAll(r.seeks());
                    break;
                }
            }
        }
        return new Delivered(events, skipped, rows, seeks, tables);
    }

    /**
     * Delivers the batch, waiting out a sink that is away; null when asked to stop meanwhile. A
     * rejection that will not go away by itself is a {@link Failure}.
     */
    private Delivered deliverUntilDone(Map<TopicPartition, List<Decoded>> batch) {
        return retrying(() -> sink.deliver(batch));
    }

    /**
     * Runs the --on-flush command after a delivered batch. A failure (non-zero exit) is retried like
     * a delivery; its offsets are stored as consumed only after it succeeded, unless the sink stored
     * them with the batch already (the database). False: asked to stop before it succeeded.
     */
    boolean flushed(Map<TopicPartition, List<Decoded>> batch, Delivered result) {
        String command = batching.onFlush();
        if (command == null || result.events() == 0) {
            return true;
        }
        FlushCommand flush = new FlushCommand(command, topic);
        return retrying(() -> {
            flush.run(batch, result);
            return true;
        }) != null;
    }

    /**
     * Runs the attempt until it works, waiting out failures that may pass ({@link Failure#UNREACHABLE})
     * up to --max-retries; null when asked to stop meanwhile.
     */
    private <T> T retrying(Supplier<T> attempt) {
        for (int retries = 0; ; retries++) {
            try {
                T r = attempt.get();
                backoff.reset();
                return r;
            } catch (Failure e) {
                if (e.exitCode() != Failure.UNREACHABLE) {
                    throw e;
                }
                if (stopping.getAsBoolean()) {
                    return null;
                }
                giveUpAfter(retries, e);
                Metrics.add("cdc_errors_total", 1, "command", "consume");
                Metrics.add("cdc_retries_total", 1, "command", "consume");
                log.warn("{}; retrying in {} ms", e.getMessage(), backoff.nextMillis());
                backoff.sleep(stopping);
            }
        }
    }

    /** After --max-retries, a failure that might go away stops consume (exit 4); nothing was stored as consumed. */
    private void giveUpAfter(int retries, Failure e) {
        int max = batching.maxRetries();
        if (max >= 0 && retries >= max) {
            throw Failure.unreachable(e.getMessage() + " (gave up after " + max + " retries; nothing past the last "
                    + "delivered batch is stored as consumed, so a restart goes on from there)", e);
        }
    }
}
