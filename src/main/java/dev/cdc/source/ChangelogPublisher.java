package dev.cdc.source;

import dev.cdc.base.Backoff;
import dev.cdc.base.Failure;
import dev.cdc.base.Metrics;
import dev.cdc.base.Progress;
import dev.cdc.db.Db;
import dev.cdc.event.ChangeEvent;
import dev.cdc.event.Position;
import dev.cdc.event.Source;
import dev.cdc.kafka.Kafka;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code cdc produce}: publishes a table's changelog to Kafka, window by window, page by page.
 *
 * <p>One step: open a window (a snapshot) when the changelog has unpublished rows; read a page of
 * the window's rows in seq order; send them; wait until Kafka acknowledged every one; then, in one
 * source transaction, delete the page's rows and move the cursor. A crash before that commit
 * republishes the page with the same positions, which the consumer recognizes and skips.
 *
 * <p>Holds an advisory lock on the source for its whole life, so a second producer of the same
 * table waits as a standby and takes over when the first one's session ends. Sleeps on
 * LISTEN/NOTIFY between windows, with a poll interval as fallback. Survives restarts of the
 * database and the broker: it logs, backs off, reconnects and resumes from the stored cursor.
 */
public final class ChangelogPublisher implements Runnable {
    private static final Logger logger = LoggerFactory.getLogger("cdc.produce");
    /** A window that ends with a page of fewer events than this means the producer is about to idle. */
    private static final int IDLE_PAGE = 100;
    /** Right after work, look for changes this often too, in case a notification was not sent. */
    private static final long BUSY_POLL_MILLIS = 10;
    private static final long BUSY_PERIOD_NANOS = 2_000_000_000L;
    private long lastWork = System.nanoTime();

    /**
     * What to publish, and how. {@code retain}: how long published changelog rows are kept (in the
     * table of retained rows) before they are deleted; zero: deleted as they are published.
     */
    public record Config(Db source, Kafka kafka, String schema, String table, int pageSize,
                         long pollMillis, long progressMillis, Duration retain, String sourceName) {
        public Config {
            if (retain == null || retain.isNegative()) {
                retain = Duration.ZERO;
            }
        }
    }

    private final Config cfg;
    private volatile boolean stopping;
    private volatile KafkaProducer<byte[], byte[]> producer;
    private final AtomicLong published = new AtomicLong();
    private final Backoff backoff = new Backoff(200, 10_000);

    private final SourceEngine engine;
    /** The changelog, while connected; null otherwise. */
    private Changelog log;
    private Capture capture;
    private final Progress progress;
    /** What the topic was told of the table's columns. */
    private Announcements announcements;
    /** The topic's partitions the events were keyed for so far (cdc.capture.partitions); null: none yet. */
    private Integer keyedFor;

    /** Publishes the changelog that {@code engine} reads (see {@code dev.cdc.engine.Engines#source}). */
    public ChangelogPublisher(SourceEngine engine, Config cfg) {
        this.cfg = cfg;
        this.engine = engine;
        this.progress = new Progress(cfg.progressMillis());
    }

    /** Asks {@link #run} to finish its current page and return. */
    public void stop() {
        stopping = true;
    }

    /** Gives up on a page whose acknowledgements are still awaited (used after a grace period). */
    public void abort() {
        stopping = true;
        KafkaProducer<byte[], byte[]> p = producer;
        if (p != null) {
            p.close(Duration.ZERO);
        }
    }

    public long published() {
        return published.get();
    }

    /**
     * Checks what must be there before running (source, capture, broker, topic): each missing piece
     * is a {@link Failure} with one clear line.
     */
    public void preflight() {
        engine.preflight(cfg.source(), cfg.schema(), cfg.table());
        cfg.kafka().requireTopic();
    }

    /**
     * Keys the table's events for the topic's partitions as they are now, which must be {@code n}
     * (after partitions were added, once consume applied everything published before).
     */
    public void acceptPartitions(int n) {
        int now = cfg.kafka().requireTopic().partitions().size();
        if (now != n) {
            throw Failure.usage("--accept-partitions " + n + ": topic " + cfg.kafka().topic() + " has " + now + " partitions");
        }
        engine.acceptPartitions(cfg.source(), cfg.schema(), cfg.table(), n);
        logger.info("the events of {}.{} are keyed for the {} partitions of topic {} from now on", cfg.schema(), cfg.table(), n,
                cfg.kafka().topic());
    }

    @Override
    public void run() {
        try {
            while (!stopping) {
                try {
                    if (log == null) {
                        connect();
                    }
                    step();
                    backoff.reset();
                } catch (RuntimeException e) {
                    if (stopping) {
                        break;
                    }
                    if (!isTransient(e)) {
                        throw cfg.source().explain(e);
                    }
                    Metrics.add("cdc_errors_total", 1, "command", "produce");
                    Metrics.add("cdc_retries_total", 1, "command", "produce");
                    logger.warn("{}; retrying in {} ms", describe(e), backoff.nextMillis());
                    disconnect();
                    backoff.sleep(() -> stopping);
                }
            }
        } finally {
            disconnect();
        }
    }

    private boolean isTransient(RuntimeException e) {
        if (e instanceof Failure f) {
            return f.exitCode() == Failure.UNREACHABLE;
        }
        if (e instanceof RecordTooLargeException || e instanceof AuthenticationException
                || e instanceof AuthorizationException) {
            return false;
        }
        return e instanceof KafkaException || Db.isTransient(e);
    }

    private String describe(RuntimeException e) {
        if (e instanceof Failure) {
            return e.getMessage();
        }
        if (e instanceof KafkaException) {
            return "Kafka at " + cfg.kafka().bootstrapServers() + ": " + Db.rootMessage(e);
        }
        return "the " + cfg.source().where() + ": " + Db.rootMessage(e);
    }

    private void connect() {
        log = engine.open(cfg, () -> stopping);
        capture = log.capture();
        keyedFor = log.keyedFor();
        announcements = new Announcements(capture, log.announced());
        if (producer == null) {
            producer = cfg.kafka().producer("cdc-produce-" + capture.changelogName());
        }
        logger.info("publishing {} from the {} to topic {} at {} (window {}, seq {})", capture.changelogDisplay(),
                cfg.source().where(), cfg.kafka().topic(), cfg.kafka().bootstrapServers(), log.windowId(), log.lastSeq());
    }

    private void disconnect() {
        if (log != null) {
            log.close();
            log = null;
        }
        KafkaProducer<byte[], byte[]> p = producer;
        if (p != null) {
            producer = null;
            p.close(Duration.ofSeconds(stopping ? 0 : 5));
        }
    }

    private void step() {
        log.maintain();
        if (!log.windowOpen() && !openWindow()) {
            reportProgress();
            waitForChanges();
            return;
        }
        long started = System.nanoTime();
        Page page = log.readPage(cfg.pageSize());
        String announced = null;
        if (page.events() > 0) {
            announced = publish(page);
            lastWork = System.nanoTime();
        }
        finishPage(page, announced);
        String table = capture.table().display();
        Metrics.add("cdc_published_events_total", page.events(), "table", table);
        Metrics.add("cdc_publish_batches_total", 1, "table", table);
        Metrics.add("cdc_publish_batch_seconds_total", (System.nanoTime() - started) / 1e9, "table", table);
        reportProgress();
    }

    private boolean openWindow() {
        boolean opened = log.openWindow();
        if (opened && capture.table().definition().stream().anyMatch(c -> c.enumType() != null) && log.definitionChanged()) {
            // A label added to an enum (ALTER TYPE ... ADD VALUE) commits before any row that uses it:
            // read after the window opened, the labels include every one its rows can hold, and a
            // changed definition is read in full and announced before the window's first change.
            refreshDefinition(List.of());
        }
        return opened;
    }

    /**
     * Sends the page and returns once Kafka acknowledged every event (or throws). Returns the
     * columns it announced (to store with the cursor), or null.
     *
     * <p>Every change goes to its key's partition. A truncate goes to every partition, as does the
     * table's definition when it changed (a row with a column the producer does not know, or a
     * definition that differs from the one last announced): it precedes, in each partition, the
     * first change that has the new column, so the consumer adds the column first.
     */
    private String publish(Page page) {
        String table = capture.table().display();
        String topic = cfg.kafka().topic();
        int partitions = producer.partitionsFor(topic).size();
        if (keyedFor != null && partitions != keyedFor) {
            throw Failure.precondition("topic " + topic + " has " + partitions + " partitions, but the events of " + table
                    + " were keyed for " + keyedFor + " (were partitions added?): a row's next changes would go to another "
                    + "partition than its earlier ones and could be applied before them, so nothing more is published. "
                    + "To go on with " + partitions + ": let cdc consume apply everything published (cdc status: LAG 0), "
                    + "then run cdc produce --accept-partitions " + partitions);
        }
        keyedFor = partitions;
        Sends sends = new Sends(producer, topic);
        String sent = null;
        for (ChangelogRow r : page.rows()) {
            List<String> columns = r.columns(); // empty for D and T
            if (!announcements.knows(columns)) {
                refreshDefinition(columns);
            }
            if (announcements.due()) {
                sent = capture.table().definitionJson();
                sends.sendToEvery(partitions, ChangeEvent.encodeSchema(table, sent, source(r, 0, -1)));
                announcements.sent(capture);
                logger.info("announced the columns of {} on topic {}: {}", table, topic, capture.table().columns());
            }
            if (r.op() == 'T') {
                sends.sendToEvery(partitions, ChangeEvent.encodeTruncate(table, partitions, source(r, 0, -1)));
                continue;
            }
            r.forEach(capture.table().key(), (index, key, row) -> {
                byte[] k = key.getBytes(StandardCharsets.UTF_8);
                sends.send(Kafka.partitionFor(k, partitions), k, ChangeEvent.encode(r.op(), table, key, row,
                        source(r, index, r.version())));
            });
        }
        sends.awaitAcks();
        return sent;
    }

    /** The source object of the change at {@code index} of changelog row {@code r}, in the open window. */
    private Source source(ChangelogRow r, int index, long version) {
        return new Source(cfg.sourceName(), version, new Position(log.epoch(), log.windowId(), r.seq(), index), r.txid(), r.tsMs());
    }

    /** A row has columns the producer did not know: reads the table's definition again. */
    private void refreshDefinition(List<String> seen) {
        capture = log.reload();
        announcements.reread(capture, seen);
    }

    private void finishPage(Page page, String announcedColumns) {
        log.finishPage(page, announcedColumns, keyedFor);
        published.addAndGet(page.events());
        progress.add(page.events());
        // about to idle: the writers are to wake the producer again
        log.markBusy(!(page.endsWindow() && page.events() < IDLE_PAGE));
    }

    private void waitForChanges() {
        // A writer that found the wake lock held just before the producer freed it commits without
        // notifying: shortly after work, poll fast as well, so such a change waits at most
        // BUSY_POLL_MILLIS; idle for longer, rely on notifications and the poll interval.
        boolean recent = System.nanoTime() - lastWork < BUSY_PERIOD_NANOS;
        log.waitForChanges(recent ? Math.min(BUSY_POLL_MILLIS, cfg.pollMillis()) : cfg.pollMillis());
    }

    private void reportProgress() {
        if (!progress.due()) {
            return;
        }
        long rate = progress.rate();
        long backlog = log.backlog();
        Metrics.gauge("cdc_changelog_backlog", () -> backlog, "table", capture.table().display());
        logger.info("published {} events ({}/s), backlog {}, window {}", progress.total(), rate, backlog, log.windowId());
    }

    /** Thrown inside the loop when a stop was asked while waiting. */
    public static final class StoppedException extends RuntimeException {
    }
}
