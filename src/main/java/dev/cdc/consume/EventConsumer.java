package dev.cdc.consume;

import dev.cdc.base.Backoff;
import dev.cdc.base.Failure;
import dev.cdc.base.Metrics;
import dev.cdc.base.Progress;
import dev.cdc.db.Db;
import dev.cdc.db.Sql;
import dev.cdc.db.Table;
import dev.cdc.event.ChangeEvent;
import dev.cdc.kafka.Kafka;
import dev.cdc.kafka.Topics;
import dev.cdc.sink.DatabaseSink;
import dev.cdc.sink.Sink;
import dev.cdc.target.Applier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetOutOfRangeException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.jdbi.v3.core.Handle;
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
    /** The topic's id when its partitions were last assigned (null: unknown). */
    private String topicId;
    private final Backoff backoff;
    /** Records read and not yet delivered, per partition in offset order; see {@link Batching}. */
    private final Map<TopicPartition, List<ConsumerRecord<byte[], byte[]>>> pending = new LinkedHashMap<>();
    private int pendingCount;
    /** Partitions sought back during this delivery: their pending records are read again. */
    private final java.util.Set<TopicPartition> soughtBack = new java.util.HashSet<>();
    private long pendingSince;
    private final AtomicLong applied = new AtomicLong();
    private final Progress progress;
    private volatile boolean stopping;
    private volatile KafkaConsumer<byte[], byte[]> consumer;
    private long batches;
    /** The sink stores offsets with what it delivered (the database); else they are committed to Kafka. */
    private boolean sinkStoresOffsets = true;
    private final AtomicLong deadLettered = new AtomicLong();
    private org.apache.kafka.clients.producer.KafkaProducer<byte[], byte[]> deadLetterProducer;

    /** Applies to the target database. */
    public EventConsumer(Config cfg) {
        this(cfg, false);
    }

    /**
     * Applies to the target database; {@code generatedExpressions}: a generated column announced on
     * the topic is created with its expression (the operator trusts the topic), else refused.
     */
    public EventConsumer(Config cfg, boolean generatedExpressions) {
        this(cfg, new DatabaseSink(cfg.target(), new Applier(cfg.group(), cfg.kafka().topic(), cfg.consolidateInto() != null)
                .withGeneratedExpressions(generatedExpressions)));
    }

    public EventConsumer(Config cfg, Sink sink) {
        this.cfg = cfg;
        this.sink = sink;
        this.progress = new Progress(cfg.progressMillis());
        this.backoff = new Backoff(cfg.batching().backoffMillis(), Math.max(10_000, cfg.batching().backoffMillis()));
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

    /** A topic to apply, the table it feeds ("schema.table"), and whether that table is consolidated. */
    public record Subscription(String topic, String table, boolean consolidated) {
    }

    /**
     * The topics to apply: those cdc setup recorded on the target (cdc.subscriptions), all of them
     * or those that feed the tables given as {schema, name}. Missing bookkeeping or a table no topic
     * feeds is a {@link Failure}.
     */
    public static List<Subscription> subscriptions(Handle h, Db target, List<String[]> tables) {
        Applier.requireSetup(h, target);
        List<Map<String, Object>> rows = h.createQuery(Sql.load("target/list_subscriptions.sql")).mapToMap().list();
        if (rows.isEmpty()) {
            throw Failure.precondition("no topic is recorded on the " + target.where() + " (run: cdc setup)");
        }
        List<Subscription> all = rows.stream().map(r -> new Subscription((String) r.get("topic"),
                r.get("table_schema") + "." + r.get("table_name"), (Boolean) r.get("consolidated"))).toList();
        if (tables.isEmpty()) {
            return all;
        }
        List<Subscription> chosen = new java.util.ArrayList<>();
        for (String[] t : tables) {
            List<Subscription> feeding = all.stream().filter(s -> s.table().equals(t[0] + "." + t[1])).toList();
            if (feeding.isEmpty()) {
                throw Failure.precondition("no topic feeds " + t[0] + "." + t[1] + " on the " + target.where()
                        + " (run: cdc setup --table " + t[0] + "." + t[1] + ", or cdc setup --consolidate-into "
                        + t[0] + "." + t[1] + " for a consolidated table)");
            }
            chosen.addAll(feeding);
        }
        return chosen;
    }

    /**
     * Checks what must be there before running: the target's bookkeeping and the rights on it (with
     * a target database), the topic, and the dead-letter topic (created when missing).
     */
    public void preflight() {
        if (cfg.target() != null) {
            preflightTarget();
        }
        var topic = cfg.kafka().requireTopic();
        if (cfg.deadLetters() != null) {
            Kafka dlq = new Kafka(cfg.kafka().bootstrapServers(), cfg.deadLetters(), cfg.kafka().overrides());
            try (var admin = dlq.admin()) {
                if (dlq.findTopic(admin).isEmpty()) {
                    log.info(Topics.create(dlq, 1, (short) topic.partitions().get(0).replicas().size())
                            + " (dead-letter topic)");
                }
            }
        }
    }

    private void preflightTarget() {
        try (Handle h = cfg.target().open("cdc-consume")) {
            Applier.requireSetup(h, cfg.target());
            if (cfg.consolidateInto() != null) {
                String[] n = Table.parseName(cfg.consolidateInto());
                Table into = Table.find(h, n[0], n[1]).orElseThrow(() -> Failure.precondition("consolidated table "
                        + cfg.consolidateInto() + " does not exist on the " + cfg.target().where()
                        + " (run: cdc setup --table SOURCE_TABLE --consolidate-into " + cfg.consolidateInto() + ")"));
                if (into.key().isEmpty() || !into.key().get(0).equals(Table.SOURCE_COLUMN)) {
                    throw Failure.precondition("table " + into.display() + " is not a consolidated table: its primary key"
                            + " does not start with " + Table.SOURCE_COLUMN + " (cdc setup --consolidate-into creates one)");
                }
            }
            List<String> missing = h.createQuery(Sql.load("target/missing_rights.sql"))
                    .bind("topic", cfg.kafka().topic()).mapTo(String.class).list();
            if (!missing.isEmpty()) {
                throw cfg.target().lacksRights("lacks " + String.join(", ", missing));
            }
            boolean twoWay = h.createQuery(Sql.load("target/two_way_subscription.sql")).bind("topic", cfg.kafka().topic())
                    .mapToMap().findFirst().isPresent();
            if (twoWay && !h.createQuery(Sql.render("target/may_skip_triggers.sql", Map.of("granted",
                    Db.serverAtLeast(h, 150000)
                            ? "has_parameter_privilege('session_replication_role', 'SET')" : "false")))
                    .mapTo(Boolean.class).one()) {
                throw cfg.target().lacksRights("may not set session_replication_role, which applying the other side of a "
                        + "two-way sync without sending it back needs (a superuser, or GRANT SET ON PARAMETER "
                        + "session_replication_role on PostgreSQL 15+)");
            }
        } catch (Failure f) {
            throw f;
        } catch (RuntimeException e) {
            throw cfg.target().explain(e);
        }
    }

    /** Records sent to the dead-letter topic. */
    public long deadLettered() {
        return deadLettered.get();
    }

    @Override
    public void run() {
        consumer = cfg.kafka().consumer("cdc-consume", cfg.group());
        try {
            consumer.subscribe(List.of(cfg.kafka().topic()), new Rebalance());
            log.info("applying topic {} at {} to {} (group {})", cfg.kafka().topic(),
                    cfg.kafka().bootstrapServers(), sink.where(), cfg.group());
            while (!stopping) {
                ConsumerRecords<byte[], byte[]> records;
                long waited = (System.nanoTime() - pendingSince) / 1_000_000;
                try {
                    records = consumer.poll(Duration.ofMillis(pendingCount == 0 ? 500
                            : Math.max(1, cfg.batching().maxWaitMillis() - waited)));
                } catch (WakeupException e) {
                    break;
                } catch (org.apache.kafka.clients.consumer.NoOffsetForPartitionException e) {
                    throw new IllegalStateException("no position for partitions " + e.partitions()
                            + " after assignment", e);
                } catch (OffsetOutOfRangeException e) {
                    if (topicChanged()) { // deleted and created again: its partitions are read from their start
                        new Rebalance().onPartitionsAssigned(consumer.assignment());
                        continue;
                    }
                    throw Failure.badEvent("events of topic " + cfg.kafka().topic() + " were deleted by the topic's "
                            + "retention before they were applied (stored offsets " + e.offsetOutOfRangePartitions()
                            + " are gone); the target must be re-synchronized", e);
                }
                for (TopicPartition tp : records.partitions()) {
                    if (pendingCount == 0) {
                        pendingSince = System.nanoTime();
                    }
                    List<ConsumerRecord<byte[], byte[]>> list = records.records(tp);
                    pending.computeIfAbsent(tp, k -> new ArrayList<>()).addAll(list);
                    pendingCount += list.size();
                }
                if (pendingCount > 0 && (pendingCount >= cfg.batching().maxSize()
                        || System.nanoTime() - pendingSince >= cfg.batching().maxWaitMillis() * 1_000_000)) {
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
            if (deadLetterProducer != null) {
                deadLetterProducer.close(Duration.ofSeconds(5));
            }
        }
    }

    /** Delivers what is pending, in batches of at most maxSize events. */
    private void deliverPending() {
        Map<TopicPartition, List<ConsumerRecord<byte[], byte[]>>> chunk = new LinkedHashMap<>();
        int size = 0;
        for (var e : pending.entrySet()) {
            List<ConsumerRecord<byte[], byte[]>> list = e.getValue();
            for (int from = 0; from < list.size(); ) {
                int to = Math.min(list.size(), from + cfg.batching().maxSize() - size);
                chunk.put(e.getKey(), list.subList(from, to));
                size += to - from;
                from = to;
                if (size == cfg.batching().maxSize()) {
                    applyBatch(chunk);
                    chunk = new LinkedHashMap<>();
                    size = 0;
                }
            }
        }
        if (size > 0) {
            applyBatch(chunk);
        }
        pending.clear();
        pendingCount = 0;
        soughtBack.clear();
    }

    private void applyBatch(Map<TopicPartition, List<ConsumerRecord<byte[], byte[]>>> records) {
        records.keySet().removeAll(soughtBack); // read again from where the sink asked
        if (records.isEmpty()) {
            return;
        }
        Map<TopicPartition, List<Applier.Decoded>> batch = new LinkedHashMap<>();
        Failure poison = null;
        for (TopicPartition tp : records.keySet()) {
            List<Applier.Decoded> list = new ArrayList<>();
            for (ConsumerRecord<byte[], byte[]> r : records.get(tp)) {
                try {
                    ChangeEvent ev = ChangeEvent.decode(r.value());
                    list.add(new Applier.Decoded(r, cfg.consolidateInto() == null ? ev : ev.consolidated(cfg.consolidateInto())));
                } catch (ChangeEvent.InvalidEvent e) {
                    if (cfg.deadLetters() != null) {
                        deadLetter(r, "invalid event: " + e.getMessage());
                        list.add(Applier.Decoded.deadLetter(r));
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
        if (!batch.isEmpty()) {
            long started = System.nanoTime();
            Applier.Result result = applyWithRetry(batch);
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
            if (!runOnFlush(batch, result)) {
                return; // stopping: the batch's offsets are not committed to Kafka
            }
            commitToKafka(batch, result);
        }
        if (poison != null) {
            throw poison;
        }
    }

    private Applier.Result applyWithRetry(Map<TopicPartition, List<Applier.Decoded>> batch) {
        try {
            return applyUntilDone(batch);
        } catch (Failure e) {
            if (cfg.deadLetters() == null || e.exitCode() != Failure.BAD_EVENT) {
                throw e;
            }
            log.warn("{} rejected a batch ({}); applying its events one by one to find the rejected ones",
                    sink.where(), Db.rootMessage(e));
            return applyEachAlone(batch);
        }
    }

    /**
     * Applies the batch's events one at a time, in offset order per partition; an event the target
     * rejects goes to the dead-letter topic and its offset is stored as consumed.
     */
    private Applier.Result applyEachAlone(Map<TopicPartition, List<Applier.Decoded>> batch) {
        int events = 0;
        int skipped = 0;
        int rows = 0;
        Map<TopicPartition, Long> seeks = new HashMap<>();
        for (var e : batch.entrySet()) {
            for (Applier.Decoded d : e.getValue()) {
                Applier.Result r;
                try {
                    r = applyUntilDone(Map.of(e.getKey(), List.of(d)));
                } catch (Failure rejected) {
                    if (rejected.exitCode() != Failure.BAD_EVENT) {
                        throw rejected;
                    }
                    deadLetter(d.record(), rejected.getMessage());
                    r = applyUntilDone(Map.of(e.getKey(), List.of(Applier.Decoded.deadLetter(d.record()))));
                }
                if (r == null) {
                    return null;
                }
                events += r.events();
                skipped += r.skipped();
                rows += r.rows();
                if (!r.seeks().isEmpty()) {
                    seeks.putAll(r.seeks());
                    break;
                }
            }
        }
        return new Applier.Result(events, skipped, rows, seeks);
    }

    /**
     * Sends a record to the dead-letter topic, unchanged, with where it came from and why in
     * headers; returns once Kafka acknowledged it (before its offset is stored as consumed).
     */
    private void deadLetter(ConsumerRecord<byte[], byte[]> r, String reason) {
        if (deadLetterProducer == null) {
            deadLetterProducer = cfg.kafka().producer("cdc-dead-letters");
        }
        var out = new org.apache.kafka.clients.producer.ProducerRecord<>(cfg.deadLetters(), null, r.key(), r.value());
        out.headers().add("cdc.error", reason.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        out.headers().add("cdc.topic", r.topic().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        out.headers().add("cdc.partition", Integer.toString(r.partition()).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        out.headers().add("cdc.offset", Long.toString(r.offset()).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        out.headers().add("cdc.group", cfg.group().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        try {
            deadLetterProducer.send(out).get(60, java.util.concurrent.TimeUnit.SECONDS);
        } catch (Exception e) {
            throw Failure.unreachable("cannot write to dead-letter topic " + cfg.deadLetters() + " at "
                    + cfg.kafka().bootstrapServers() + ": " + Db.rootMessage(e), e);
        }
        deadLettered.incrementAndGet();
        Metrics.add("cdc_dead_letters_total", 1, "topic", r.topic());
        Metrics.add("cdc_errors_total", 1, "command", "consume");
        log.warn("sent topic {} partition {} offset {} to dead-letter topic {}: {}", r.topic(), r.partition(), r.offset(),
                cfg.deadLetters(), reason);
    }

    /**
     * Delivers the batch, waiting out a sink that is away; null when asked to stop meanwhile. A
     * rejection that will not go away by itself is a {@link Failure}.
     */
    private Applier.Result applyUntilDone(Map<TopicPartition, List<Applier.Decoded>> batch) {
        return retrying(() -> sink.deliver(batch));
    }

    /**
     * Runs the attempt until it works, waiting out failures that may pass ({@link Failure#UNREACHABLE})
     * up to --max-retries; null when asked to stop meanwhile.
     */
    private <T> T retrying(java.util.function.Supplier<T> attempt) {
        for (int retries = 0; ; retries++) {
            try {
                T r = attempt.get();
                backoff.reset();
                return r;
            } catch (Failure e) {
                if (e.exitCode() != Failure.UNREACHABLE) {
                    throw e;
                }
                if (stopping) {
                    return null;
                }
                giveUpAfter(retries, e);
                Metrics.add("cdc_errors_total", 1, "command", "consume");
                Metrics.add("cdc_retries_total", 1, "command", "consume");
                log.warn("{}; retrying in {} ms", e.getMessage(), backoff.nextMillis());
                backoff.sleep(() -> stopping);
            }
        }
    }

    /** After --max-retries, a failure that might go away stops consume (exit 4); nothing was stored as consumed. */
    private void giveUpAfter(int retries, Failure e) {
        int max = cfg.batching().maxRetries();
        if (max >= 0 && retries >= max) {
            throw Failure.unreachable(e.getMessage() + " (gave up after " + max + " retries; nothing past the last "
                    + "delivered batch is stored as consumed, so a restart goes on from there)", e);
        }
    }

    /**
     * Runs the --on-flush command after a delivered batch, with the batch in its environment:
     * CDC_FLUSH_TOPIC, CDC_FLUSH_TABLES, CDC_FLUSH_COUNT, CDC_FLUSH_OFFSETS ("partition:first-last,...").
     * A failure (non-zero exit) is retried like a delivery; its offsets are stored as consumed only after
     * it succeeded, unless the sink stored them with the batch already (the database). False: asked
     * to stop before it succeeded.
     */
    private boolean runOnFlush(Map<TopicPartition, List<Applier.Decoded>> batch, Applier.Result result) {
        String command = cfg.batching().onFlush();
        if (command == null || result.events() == 0) {
            return true;
        }
        StringBuilder offsets = new StringBuilder();
        java.util.Set<String> tables = new java.util.TreeSet<>();
        batch.forEach((tp, list) -> {
            offsets.append(offsets.length() == 0 ? "" : ",").append(tp.partition()).append(':')
                    .append(list.get(0).record().offset()).append('-').append(list.get(list.size() - 1).record().offset());
            list.stream().filter(d -> d.event() != null).forEach(d -> tables.add(d.event().table()));
        });
        return retrying(() -> {
            try {
                ProcessBuilder pb = new ProcessBuilder("sh", "-c", command).redirectErrorStream(true);
                pb.environment().put("CDC_FLUSH_TOPIC", cfg.kafka().topic());
                pb.environment().put("CDC_FLUSH_TABLES", String.join(",", tables));
                pb.environment().put("CDC_FLUSH_COUNT", Integer.toString(result.events()));
                pb.environment().put("CDC_FLUSH_OFFSETS", offsets.toString());
                Process p = pb.start();
                String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).strip();
                int code = p.waitFor();
                if (code != 0) {
                    throw Failure.unreachable("the --on-flush command exited with " + code
                            + (out.isEmpty() ? "" : ": " + (out.length() > 300 ? out.substring(out.length() - 300) : out)), null);
                }
                return true;
            } catch (java.io.IOException e) {
                throw Failure.usage("cannot run the --on-flush command: " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw Failure.unreachable("interrupted while running the --on-flush command", e);
            }
        }) != null;
    }

    /**
     * Stores the batch's offsets in Kafka: only informative when the sink stores its own (the
     * target database's decide), else where consume resumes, so synchronously.
     */
    private void commitToKafka(Map<TopicPartition, List<Applier.Decoded>> batch, Applier.Result result) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        batch.forEach((tp, list) -> {
            if (!result.seeks().containsKey(tp)) {
                offsets.put(tp, new OffsetAndMetadata(list.get(list.size() - 1).record().offset() + 1));
            }
        });
        if (!sinkStoresOffsets) {
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
                deadLettered.get() == 0 ? "" : ", " + deadLettered.get() + " sent to " + cfg.deadLetters());
    }

    /** The topic's id as Kafka gives it now; null if Kafka cannot be asked. */
    private String currentTopicId() {
        try (var admin = cfg.kafka().admin()) {
            return cfg.kafka().describeTopic(admin).topicId().toString();
        } catch (RuntimeException e) {
            log.warn("could not read the id of topic {} ({})", cfg.kafka().topic(), Db.rootMessage(e));
            return null;
        }
    }

    /** Whether the topic was deleted and created again since its partitions were assigned. */
    private boolean topicChanged() {
        String now = currentTopicId();
        return now != null && topicId != null && !now.equals(topicId);
    }

    /** Seeks newly assigned partitions to the offsets the sink stored (or Kafka's committed ones). */
    private final class Rebalance implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            if (partitions.isEmpty()) {
                return;
            }
            Map<Integer, Long> stored;
            try {
                sink.topicIs(topicId = currentTopicId());
                stored = sink.storedOffsets();
            } catch (RuntimeException e) {
                // Reading from the start is always safe: every batch skips what the target applied.
                log.warn("could not read stored offsets from {} ({}); reading from the start of the topic, "
                        + "skipping what was applied", sink.where(), Db.rootMessage(e));
                consumer.seekToBeginning(partitions);
                return;
            }
            sinkStoresOffsets = stored != null;
            if (stored == null) { // Kafka's committed offsets, else the start
                stored = new HashMap<>();
                for (var c : consumer.committed(new java.util.HashSet<>(partitions)).entrySet()) {
                    if (c.getValue() != null) {
                        stored.put(c.getKey().partition(), c.getValue().offset());
                    }
                }
            }
            List<TopicPartition> fresh = new ArrayList<>();
            for (TopicPartition tp : partitions) {
                Long next = stored.get(tp.partition());
                if (next == null) {
                    fresh.add(tp);
                } else {
                    consumer.seek(tp, next);
                }
            }
            for (TopicPartition tp : fresh) {
                // offset 0, not the first one left: if retention deleted events never applied, polling
                // fails (OffsetOutOfRangeException) instead of starting after them in silence
                consumer.seek(tp, 0);
            }
            log.info("assigned partitions {}", partitions.stream().map(TopicPartition::partition).sorted().toList());
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            // Records read but not delivered are not stored as consumed: the partition's next owner reads them.
            for (TopicPartition tp : partitions) {
                List<ConsumerRecord<byte[], byte[]>> dropped = pending.remove(tp);
                pendingCount -= dropped == null ? 0 : dropped.size();
            }
        }
    }
}
