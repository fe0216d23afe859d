package dev.cdc.source;

import dev.cdc.base.Failure;
import dev.cdc.base.Metrics;
import dev.cdc.base.Progress;
import dev.cdc.event.ChangeEvent;
import dev.cdc.event.Position;
import dev.cdc.event.Source;
import dev.cdc.kafka.Kafka;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One captured table as its publisher sees it: its changelog (while attached), what its topic was
 * told of its columns, the partitions its events are keyed for, and when it last had work. One
 * round of its publisher opens its window (with the other tables', then {@link #opened}), reads a
 * page ({@link #read}), sends it ({@link #send}) and has its rows removed and its cursor moved
 * ({@link #finish}): a hot table gets one page per round, like any other.
 */
final class TableFeed {
    private static final Logger logger = LoggerFactory.getLogger("cdc.produce");
    /** While busy, and right after, look for changes this often, since the writers send no wake-up. */
    private static final long BUSY_POLL_NANOS = 10_000_000L;
    private static final long BUSY_PERIOD_NANOS = 2_000_000_000L;
    /**
     * A window that ends with a page of fewer events than this, or that held one transaction, means
     * the table is about to idle: its commits come more slowly than the publisher looks, and a
     * wake-up per commit costs less than looking every 10 ms (a hundred tables taking a transaction
     * each in turn would otherwise each be looked at a hundred times a second).
     */
    private static final int IDLE_PAGE = 100;

    final ChangelogPublisher.Config cfg;
    private final Progress progress;
    private Changelog log;
    private Capture capture;
    private Announcements announcements;
    private Integer keyedFor;
    private boolean standingBy;
    private long published;
    /**
     * When the table last published, and when to look at it next without a wake-up (nanoTime; right
     * after work, soon; idle, {@link Long#MAX_VALUE}: left to wake-ups and the publisher's sweep).
     */
    long lastWork = System.nanoTime();
    long nextLook = Long.MAX_VALUE;
    /**
     * Whether the producer holds the table's wake lock (busy: its writers send no wake-up), and
     * when it last let it go: a writer that found it held may commit after that, unannounced, so
     * the table is looked at often for a while after (a table that was never busy needs no looks:
     * every change of it sends a wake-up).
     */
    private boolean busy;
    /** The transactions of the open window's pages published so far. */
    private final Set<String> windowTxns = new HashSet<>();
    private long wakeLockFreedAt = System.nanoTime() - 3_600_000_000_000L;
    /** A wake-up came, or the last step did work: look at it as soon as its turn comes. */
    boolean due = true;

    /** Many tables in one process: no progress line for a table idle for a minute. */
    private final boolean quietWhenIdle;

    TableFeed(ChangelogPublisher.Config cfg, boolean quietWhenIdle) {
        this.cfg = cfg;
        this.progress = new Progress(cfg.progressMillis());
        this.quietWhenIdle = quietWhenIdle;
    }

    String display() {
        return cfg.schema() + "." + cfg.table();
    }

    boolean attached() {
        return log != null;
    }

    long published() {
        return published;
    }

    /** Its changelog; null while not attached. */
    Changelog changelog() {
        return log;
    }

    /** The channel its writers wake it on; null while not attached. */
    String channel() {
        return log == null ? null : log.channel();
    }

    /** Takes the table on the session (its producer lock); false while another producer holds it. */
    boolean attach(SourceSession session) {
        var attached = session.attach(cfg);
        if (attached.isEmpty()) {
            if (!standingBy) {
                logger.info("another cdc produce is publishing {}; standing by to take over", display());
                standingBy = true;
            }
            return false;
        }
        if (standingBy) {
            logger.info("took over publishing {}", display());
            standingBy = false;
        }
        log = attached.get();
        busy = false; // a new session holds no wake lock
        windowTxns.clear();
        capture = log.capture();
        keyedFor = log.keyedFor();
        announcements = new Announcements(capture, log.announced());
        due = true;
        logger.info("publishing {} from the {} to topic {} at {} (window {}, seq {})", capture.changelogDisplay(),
                cfg.source().where(), cfg.kafka().topic(), cfg.kafka().bootstrapServers(), log.windowId(), log.lastSeq());
        return true;
    }

    /** The session is gone: the table is attached again on the next one. */
    void detach() {
        log = null;
    }

    /** Whether its window is open (pages of it still to publish). */
    boolean windowOpen() {
        return log.windowOpen();
    }

    /**
     * The table had nothing to publish: when to look again (nanoTime; {@link Long#MAX_VALUE}: when
     * woken, or at the sweep). While busy (the wake lock held, so its writers send no wake-up) it is
     * looked at every 10 ms; after 2 s without work the lock is let go, and for 2 s more it is still
     * looked at that often, for a writer that found the lock held and commits only now.
     */
    long nothingNow(long now) {
        reportProgress();
        if (busy) {
            if (now - lastWork < BUSY_PERIOD_NANOS) {
                return now + BUSY_POLL_NANOS;
            }
            log.markBusy(false);
            busy = false;
            wakeLockFreedAt = now;
        }
        return now - wakeLockFreedAt < BUSY_PERIOD_NANOS ? now + BUSY_POLL_NANOS : Long.MAX_VALUE;
    }

    /** The changelog's upkeep (expired retained rows, a vacuum when due): never inside a transaction. */
    void maintain() {
        log.maintain();
    }

    /** A page read and sent, whose acknowledgements are awaited before its cursor moves. */
    record Sent(TableFeed feed, Page page, Sends sends, String announced, long started) {
        long events() {
            return page.events();
        }

        /** Returns once Kafka acknowledged every event of the page (or throws). */
        void awaitAcks() {
            if (sends != null) {
                sends.awaitAcks();
            }
        }
    }

    /** Reads the open window's next page. */
    Page read() {
        return log.readPage(cfg.pageSize());
    }

    /** Sends the events of a page it read (without waiting for Kafka). */
    Sent send(KafkaProducer<byte[], byte[]> producer, Page page) {
        long started = System.nanoTime();
        if (page.events() == 0) {
            return new Sent(this, page, null, null, started);
        }
        Sends sends = new Sends(producer, cfg.kafka().topic());
        String announced = publish(sends, page);
        lastWork = System.nanoTime();
        return new Sent(this, page, sends, announced, started);
    }

    /**
     * After Kafka acknowledged the page: its rows are to leave the changelog and the cursor to move
     * past them, with the other pages of the round ({@link SourceSession#finishPages}).
     */
    SourceSession.Finish finish(Sent sent) {
        return new SourceSession.Finish(log, sent.page(), sent.announced(), keyedFor);
    }

    /** After the cursor moved (committed): counts, wake lock, progress. */
    void finished(Sent sent) {
        Page page = sent.page();
        published += page.events();
        progress.add(page.events());
        // about to idle: the writers are to wake the producer again
        page.rows().forEach(r -> windowTxns.add(r.txid()));
        boolean busyNow = !(page.endsWindow() && (page.events() < IDLE_PAGE || windowTxns.size() <= 1));
        if (page.endsWindow()) {
            windowTxns.clear();
        }
        log.markBusy(busyNow);
        if (busy && !busyNow) {
            wakeLockFreedAt = System.nanoTime();
        }
        busy = busyNow;
        String table = capture.table().display();
        Metrics.add("cdc_published_events_total", page.events(), "table", table);
        Metrics.add("cdc_publish_batches_total", 1, "table", table);
        double seconds = (System.nanoTime() - sent.started()) / 1e9;
        Metrics.add("cdc_publish_batch_seconds_total", seconds, "table", table);
        Metrics.observe("cdc_publish_batch_duration_seconds", seconds, "table", table);
        reportProgress();
    }

    /**
     * Its window was just opened (in the publisher's transaction). A label added to an enum (ALTER
     * TYPE ... ADD VALUE) commits before any row that uses it: read after the window opened, the
     * labels include every one its rows can hold, and a changed definition is read in full and
     * announced before the window's first change.
     */
    void opened() {
        if (capture.table().definition().stream().anyMatch(c -> c.enumType() != null) && log.definitionChanged()) {
            refreshDefinition(List.of());
        }
    }

    /**
     * Sends the page's events (acknowledgements are awaited by {@link Sent#awaitAcks}). Returns
     * the columns it announced (to store with the cursor), or null.
     *
     * <p>Every change goes to its key's partition. A truncate goes to every partition, as does the
     * table's definition when it changed (a row with a column the producer does not know, or a
     * definition that differs from the one last announced): it precedes, in each partition, the
     * first change that has the new column, so the consumer adds the column first.
     */
    private String publish(Sends sends, Page page) {
        String table = capture.table().display();
        String topic = cfg.kafka().topic();
        int partitions = sends.partitions();
        if (keyedFor != null && partitions != keyedFor) {
            throw Failure.precondition("topic " + topic + " has " + partitions + " partitions, but the events of " + table
                    + " were keyed for " + keyedFor + " (were partitions added?): a row's next changes would go to another "
                    + "partition than its earlier ones and could be applied before them, so nothing more is published. "
                    + "To go on with " + partitions + ": let cdc consume apply everything published (cdc status: LAG 0), "
                    + "then run cdc produce --accept-partitions " + partitions);
        }
        keyedFor = partitions;
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

    private void reportProgress() {
        if (!progress.due()) {
            return;
        }
        long rate = progress.rate();
        if (quietWhenIdle && rate == 0 && System.nanoTime() - lastWork > 60_000_000_000L) {
            return; // idle for a while: said so already
        }
        long backlog = log.backlog();
        Metrics.gauge("cdc_changelog_backlog", () -> backlog, "table", capture.table().display());
        logger.info("{}: published {} events ({}/s), backlog {}, window {}", display(), progress.total(), rate, backlog,
                log.windowId());
    }
}
