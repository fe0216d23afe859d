package dev.cdc.consume;

import dev.cdc.base.Failure;
import dev.cdc.base.Metrics;
import dev.cdc.base.Loop;
import dev.cdc.base.Progress;
import dev.cdc.db.Db;
import dev.cdc.engine.Engines;
import dev.cdc.kafka.Kafka;
import dev.cdc.sink.Sink;
import dev.cdc.target.Applier;
import dev.cdc.target.DatabaseSink;
import dev.cdc.target.TargetConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.BiFunction;
import java.util.function.Supplier;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetOutOfRangeException;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code cdc consume}: reads every topic it applies with one Kafka consumer in a consumer group,
 * and applies each topic's part of what it read in batches, each in one target transaction with its
 * offsets (see {@link Applier}); the topics are spread over at most {@code connections} lanes, each
 * a thread with its own target connection ({@link Lanes}). On partition assignment it seeks to the
 * offsets stored in the target, never to Kafka's. A message that is not a valid event stops it with
 * the topic, partition and offset; the events before it are applied. The target going away is
 * waited out with backoff; the batch in hand is applied when it is back.
 */
public final class EventConsumer implements Loop {
    private static final Logger log = LoggerFactory.getLogger("cdc.consume");

    /**
     * @param kafka       the broker (its topic is not used: {@code feeds} name the topics)
     * @param feeds       the topics to apply, with the table each one feeds
     * @param connections at most this many threads apply at once, each on its own target connection
     * @param deadLetters null: an event that is invalid or that the target rejects stops consume;
     *                    else the topic such events are sent to, with the reason in headers, before
     *                    consume goes on past them ({@value DeadLetters#TOPIC} in it stands for the
     *                    name of the topic the event came from)
     */
    public record Config(Db target, Kafka kafka, String group, List<Feeds.Feed> feeds, long progressMillis,
                         Batching batching, int connections, String deadLetters) {
        /** The topic of {@code kafka}, into the tables cdc setup recorded for it. */
        public Config(Db target, Kafka kafka, String group, long progressMillis) {
            this(target, kafka, group, List.of(new Feeds.Feed(kafka.topic(), null, false)), progressMillis,
                    Batching.DATABASE, 1, null);
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
    /** Each topic's feed, by topic name. */
    private final Map<String, TopicFeed> feeds = new LinkedHashMap<>();
    private final Lanes lanes;
    private final DeadLetters deadLetters;
    /** Records read and not yet delivered; see {@link Batching}. */
    private final Pending pending = new Pending();
    private final AtomicLong applied = new AtomicLong();
    private final Progress progress;
    private volatile boolean stopping;
    private volatile KafkaConsumer<byte[], byte[]> consumer;
    private long batches;
    private long gaugesAt;
    /** Offsets delivered to a sink that stores its own, committed to Kafka too (for tools that look there), once a second. */
    private final Map<TopicPartition, OffsetAndMetadata> informative = new HashMap<>();
    private long informativeAt;
    private static final long INFORMATIVE_COMMIT_NANOS = 1_000_000_000L;
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
        this(cfg, cfg.target(), (feed, connection) -> new DatabaseSink(connection, new Applier(
                Engines.target(cfg.target()), cfg.group(), feed.topic(), feed.consolidated(), generatedExpressions)));
    }

    /** Delivers every topic to one sink that keeps no offsets of its own (an HTTP endpoint). */
    public EventConsumer(Config cfg, Sink sink) {
        this(cfg, null, (feed, connection) -> sink);
    }

    private EventConsumer(Config cfg, Db connectTo, BiFunction<Feeds.Feed, TargetConnection, Sink> sinks) {
        this.cfg = cfg;
        this.progress = new Progress(cfg.progressMillis());
        this.deadLetters = cfg.deadLetters() == null ? null : new DeadLetters(cfg.kafka(), cfg.deadLetters(), cfg.group());
        this.lanes = new Lanes(Math.max(1, Math.min(cfg.connections(), cfg.feeds().size())), connectTo);
        for (Feeds.Feed feed : cfg.feeds()) {
            int lane = feeds.size() % lanes.count();
            Sink sink = sinks.apply(feed, lanes.connection(lane));
            feeds.put(feed.topic(), new TopicFeed(feed.topic(), lane, sink,
                    new Delivery(cfg, feed, sink, deadLetters, () -> stopping)));
        }
    }

    @Override
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
     * a target database), the topics, and the dead-letter topics (created when missing).
     */
    public void preflight() {
        if (cfg.target() != null) {
            cfg.target().run("consume", h -> {
                for (Feeds.Feed f : cfg.feeds()) {
                    Engines.target(cfg.target()).preflight(h, cfg.target(), f.topic(), f.consolidated() ? f.table() : null);
                }
                return null;
            });
        }
        Map<String, TopicDescription> topics = cfg.kafka().requireTopics(feeds.keySet());
        if (deadLetters != null) {
            Map<String, Integer> replication = new LinkedHashMap<>();
            topics.forEach((name, d) -> replication.putIfAbsent(deadLetters.topicFor(name), d.partitions().get(0).replicas().size()));
            var existing = cfg.kafka().findTopics(replication.keySet());
            replication.forEach((dlq, rf) -> {
                if (!existing.containsKey(dlq)) {
                    deadLetters.create(dlq, rf);
                }
            });
        }
    }

    /** Records sent to the dead-letter topics. */
    public long deadLettered() {
        return deadLetters == null ? 0 : deadLetters.sent();
    }

    @Override
    public void run() {
        consumer = cfg.kafka().consumer("cdc-consume", cfg.group());
        try {
            Map<String, Sink> sinks = new LinkedHashMap<>();
            feeds.forEach((topic, feed) -> sinks.put(topic, feed.sink()));
            assignment = new Assignment(cfg.kafka(), sinks, pending, consumer);
            consumer.subscribe(feeds.keySet(), assignment);
            log.info("applying {} at {} to {} (group {}{})", feeds.size() == 1 ? "topic " + feeds.keySet().iterator().next()
                    : feeds.size() + " topics", cfg.kafka().bootstrapServers(), sinks.values().iterator().next().where(),
                    cfg.group(), lanes.count() == 1 ? "" : ", " + lanes.count() + " connections");
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
                    readAgainFromStart(e);
                    continue;
                }
                pending.add(records);
                if (pending.due(cfg.batching())) {
                    deliverPending();
                }
                updateGauges();
                report();
            }
        } finally {
            close();
        }
    }

    /**
     * Partitions whose stored offset Kafka no longer has: a topic deleted and created again is read
     * from its start; else the events were deleted by retention before they were applied.
     */
    private void readAgainFromStart(OffsetOutOfRangeException e) {
        Set<String> topics = new TreeSet<>();
        e.offsetOutOfRangePartitions().keySet().forEach(tp -> topics.add(tp.topic()));
        if (!assignment.topicsChanged(topics)) {
            throw Failure.badEvent("events of topic " + String.join(", ", topics) + " were deleted by the topic's "
                    + "retention before they were applied (stored offsets " + e.offsetOutOfRangePartitions()
                    + " are gone); the target must be re-synchronized", e);
        }
        assignment.onPartitionsAssigned(consumer.assignment().stream().filter(tp -> topics.contains(tp.topic())).toList());
    }

    /**
     * Delivers what is pending: each topic's records in batches of at most maxSize events, on the
     * topic's lane, the lanes at once; then seeks and commits what they did, and stops on a failure.
     */
    private void deliverPending() {
        var chunks = pending.chunksByTopic(cfg.batching().maxSize());
        Map<Integer, List<TopicFeed>> byLane = new TreeMap<>();
        chunks.keySet().forEach(topic -> byLane.computeIfAbsent(feeds.get(topic).lane(), l -> new ArrayList<>())
                .add(feeds.get(topic)));
        Map<Integer, Supplier<TopicFeed.Outcome>> work = new TreeMap<>();
        byLane.forEach((lane, list) -> work.put(lane, () -> {
            TopicFeed.Outcome out = new TopicFeed.Outcome();
            for (TopicFeed feed : list) {
                if (out.done() || stopping) {
                    break;
                }
                feed.deliver(chunks.get(feed.topic()), out);
            }
            return out;
        }));
        List<TopicFeed.Outcome> outcomes = lanes.run(work);
        pending.clear();
        Map<TopicPartition, OffsetAndMetadata> commits = new HashMap<>();
        RuntimeException failure = null;
        for (TopicFeed.Outcome out : outcomes) {
            out.seeks.forEach((tp, offset) -> {
                log.warn("partition {} was read past the stored offset {}; seeking back", tp, offset);
                consumer.seek(tp, offset);
            });
            commits.putAll(out.commits);
            applied.addAndGet(out.events);
            progress.add(out.events);
            batches += out.batches;
            failure = failure != null ? failure : out.failure;
        }
        if (!commits.isEmpty()) {
            commitToKafka(commits);
        }
        if (failure != null) {
            throw failure;
        }
    }

    /**
     * Stores the delivered offsets in Kafka: only informative when the sink stores its own (the
     * target database's decide), else where consume resumes, so synchronously.
     */
    private void commitToKafka(Map<TopicPartition, OffsetAndMetadata> offsets) {
        if (!assignment.sinkStoresOffsets()) {
            try {
                consumer.commitSync(offsets);
            } catch (WakeupException e) {
                consumer.commitSync(offsets); // woken by a stop request: the batch was delivered, store that
            }
            return;
        }
        informative.putAll(offsets);
        long now = System.nanoTime();
        if (now - informativeAt < INFORMATIVE_COMMIT_NANOS) {
            return; // each commit is a write on the broker: at most one a second, of every partition delivered since
        }
        informativeAt = now;
        consumer.commitAsync(new HashMap<>(informative), (o, e) -> {
            if (e != null) {
                log.debug("could not commit offsets to Kafka (informative only): {}", e.getMessage());
            }
        });
        informative.clear();
    }

    /** The lag of every assigned partition, as a metric, once a second. */
    private void updateGauges() {
        long now = System.nanoTime();
        if (now - gaugesAt < 1_000_000_000L) {
            return;
        }
        gaugesAt = now;
        for (TopicPartition tp : consumer.assignment()) {
            long lag = consumer.currentLag(tp).orElse(0);
            Metrics.gauge("cdc_consumer_lag", () -> lag, "topic", tp.topic(), "partition", Integer.toString(tp.partition()));
        }
    }

    private void report() {
        if (!progress.due()) {
            return;
        }
        long rate = progress.rate();
        long lag = 0;
        Set<String> topics = new TreeSet<>();
        for (TopicPartition tp : consumer.assignment()) {
            lag += consumer.currentLag(tp).orElse(0);
            topics.add(tp.topic());
        }
        String partitions = feeds.size() == 1
                ? "partitions " + consumer.assignment().stream().map(TopicPartition::partition).sorted().toList()
                : consumer.assignment().size() + " partitions of " + topics.size() + " topics";
        log.info("applied {} events ({}/s) in {} batches, lag {}, {}{}", applied.get(), rate, batches, lag, partitions,
                deadLettered() == 0 ? "" : ", " + deadLettered() + " sent to dead-letter topics");
    }

    private void close() {
        try {
            consumer.close(org.apache.kafka.clients.consumer.CloseOptions.timeout(Duration.ofSeconds(5)));
        } catch (KafkaException ignored) {
            // closing anyway
        }
        lanes.close();
        feeds.values().stream().map(TopicFeed::sink).distinct().forEach(Sink::close);
        if (deadLetters != null) {
            deadLetters.close();
        }
    }
}
