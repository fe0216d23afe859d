package dev.cdc.source;

import dev.cdc.base.Backoff;
import dev.cdc.base.Failure;
import dev.cdc.base.Metrics;
import dev.cdc.db.Db;
import dev.cdc.db.Table;
import dev.cdc.kafka.Kafka;
import dev.cdc.kafka.SharedProducer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code cdc produce}: publishes the changelogs of its tables to Kafka over one source connection
 * and one Kafka producer, window by window, page by page ({@link TableFeed}).
 *
 * <p>For a table: open a window (a snapshot) when the changelog has unpublished rows; read a page
 * of the window's rows in seq order; send them; wait until Kafka acknowledged every one; then, in a
 * source transaction, delete the page's rows and move the cursor. A crash before that commit
 * republishes the page with the same positions, which the consumer recognizes and skips.
 *
 * <p>Tables go in rounds: the tables with work (woken by a writer's NOTIFY, or with more to read)
 * get one page each, in turn, until the round holds a page's worth of events, so a busy table
 * cannot starve the others; their windows open in one transaction, their acknowledgements are
 * awaited together and their cursors move in one transaction, so many tables with a few changes
 * each cost about what one table costs. The idle tables of a connection cost one statement every
 * poll interval, which looks at all their changelogs. Holds each table's producer lock for its
 * session's life: a second producer of a table stands by and takes it over when the first one's
 * session ends. Sleeps on LISTEN/NOTIFY, with the poll interval as fallback. Survives restarts of
 * the database and the broker: it logs, backs off, reconnects and resumes from the stored cursors.
 */
public final class ChangelogPublisher implements Runnable {
    private static final Logger logger = LoggerFactory.getLogger("cdc.produce");
    /** A table another producer holds is tried again this often. */
    private static final long STANDBY_NANOS = 1_000_000_000L;

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

    private final SourceEngine engine;
    private final Db source;
    private final Kafka kafka;
    private final List<TableFeed> feeds = new ArrayList<>();
    private final Backoff backoff = new Backoff(200, 10_000);
    private volatile boolean stopping;
    private final SharedProducer producers;
    /** The publisher made its producer itself (one table), rather than sharing the process's. */
    private final boolean ownsProducer;
    /** The producer of the page in hand: discarded if Kafka fails it. */
    private KafkaProducer<byte[], byte[]> producer;
    /** The connection, while connected; null otherwise. */
    private SourceSession session;
    private int turn;
    private long nextStandbyTry;
    private long nextSweep;
    /** Where the next part of the sweep starts, in {@link #feeds}. */
    private int sweepFrom;
    /**
     * A sweep looks at the changelogs in parts of at most this many, one statement each, spread over
     * the poll interval: the statement of a part keeps its text (so the server plans it once) and
     * holds the connection for a millisecond or so, not the tens of milliseconds one statement
     * for a thousand changelogs takes, during which no woken table would be served.
     */
    private static final int SWEEP_PART = 100;

    /** Publishes one table's changelog, which {@code engine} reads (see {@code dev.cdc.engine.Engines#source}). */
    public ChangelogPublisher(SourceEngine engine, Config cfg) {
        this(engine, List.of(cfg), null);
    }

    /**
     * Publishes the changelogs of these tables of one source, in rounds, on one connection, through
     * the producer the process shares among its connections (null: one of its own).
     */
    public ChangelogPublisher(SourceEngine engine, List<Config> tables, SharedProducer shared) {
        this.engine = engine;
        this.source = tables.get(0).source();
        this.kafka = tables.get(0).kafka();
        this.ownsProducer = shared == null;
        this.producers = shared != null ? shared : producerFor(tables);
        tables.forEach(c -> feeds.add(new TableFeed(c, tables.size() > 1)));
    }

    /** A Kafka producer for the tables, to share among the publishers of a process; named after them. */
    public static SharedProducer producerFor(List<Config> tables) {
        return new SharedProducer(tables.get(0).kafka(), "cdc-produce-" + tables.get(0).table()
                + (tables.size() > 1 ? "-and-more" : ""));
    }

    /** Asks {@link #run} to finish its current page and return. */
    public void stop() {
        stopping = true;
    }

    /** Gives up on a page whose acknowledgements are still awaited (used after a grace period). */
    public void abort() {
        stopping = true;
        producers.close(Duration.ZERO);
    }

    public long published() {
        return feeds.stream().mapToLong(TableFeed::published).sum();
    }

    /**
     * Checks what must be there before running (source, capture, broker, topic): each missing piece
     * is a {@link Failure} with one clear line.
     */
    public void preflight() {
        engine.preflight(source, feeds.stream().map(f -> new Table.Name(f.cfg.schema(), f.cfg.table())).toList());
        kafka.requireTopics(feeds.stream().map(f -> f.cfg.kafka().topic()).toList());
    }

    /**
     * Keys the tables' events for their topics' partitions as they are now, which must be {@code n}
     * (after partitions were added, once consume applied everything published before).
     */
    public void acceptPartitions(int n) {
        for (TableFeed f : feeds) {
            int now = f.cfg.kafka().requireTopic().partitions().size();
            if (now != n) {
                throw Failure.usage("--accept-partitions " + n + ": topic " + f.cfg.kafka().topic() + " has " + now + " partitions");
            }
            engine.acceptPartitions(f.cfg.source(), f.cfg.schema(), f.cfg.table(), n);
            logger.info("the events of {} are keyed for the {} partitions of topic {} from now on", f.display(), n,
                    f.cfg.kafka().topic());
        }
    }

    @Override
    public void run() {
        try {
            while (!stopping) {
                try {
                    if (session == null) {
                        connect();
                    }
                    work();
                    backoff.reset();
                } catch (RuntimeException e) {
                    if (stopping) {
                        break;
                    }
                    if (!isTransient(e)) {
                        throw source.explain(e);
                    }
                    if (e instanceof KafkaException) {
                        producers.discard(producer, Duration.ofSeconds(5));
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
            if (ownsProducer) {
                producers.close(Duration.ofSeconds(stopping ? 0 : 5));
            }
        }
    }

    private boolean isTransient(RuntimeException e) {
        if (e instanceof IllegalStateException && producer != null && producers.discarded(producer)) {
            return true; // another connection's thread closed the shared producer after a Kafka failure
        }
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
            return "Kafka at " + kafka.bootstrapServers() + ": " + Db.rootMessage(e);
        }
        return "the " + source.where() + ": " + Db.rootMessage(e);
    }

    private void connect() {
        session = engine.session(source);
        attachStandbys(System.nanoTime(), true);
    }

    private void disconnect() {
        feeds.forEach(TableFeed::detach);
        if (session != null) {
            session.close();
            session = null;
        }
        producer = null;
    }

    /**
     * Takes the tables not yet held: at the start each in turn, then as a standby every second
     * those whose producer lock one look at all of them finds free (a standby of a thousand tables
     * costs the source one statement a second, not a thousand).
     */
    private void attachStandbys(long now, boolean first) {
        List<TableFeed> waiting = feeds.stream().filter(f -> !f.attached()).toList();
        List<TableFeed> free = first || waiting.isEmpty() ? waiting
                : session.free(waiting.stream().map(f -> f.cfg).toList()).stream().map(waiting::get).toList();
        for (TableFeed f : free) {
            if (!stopping) {
                f.attach(session);
            }
        }
        nextStandbyTry = now + STANDBY_NANOS;
    }

    /**
     * One round of the tables with work (see {@link #publish}); with none, waits for a wake-up, the
     * next look at a table that was busy, or the next sweep.
     */
    private void work() {
        long now = System.nanoTime();
        boolean standby = feeds.stream().anyMatch(f -> !f.attached());
        if (standby && now >= nextStandbyTry) {
            attachStandbys(now, false);
        }
        wake(session.waitForChanges(0));
        if (now >= nextSweep) { // the parts due, so that every table is looked at within the interval even when rounds are long
            int parts = (feeds.size() + SWEEP_PART - 1) / SWEEP_PART;
            long step = feeds.get(0).cfg.pollMillis() * 1_000_000 / parts;
            for (int i = 0; i < Math.min(parts, 3) && now >= nextSweep; i++) { // a few at most: the woken tables wait
                sweep();
                nextSweep += step;
            }
            if (nextSweep <= now) { // still behind (the first sweep, or rounds that took long): the next part a step from now
                nextSweep = now + step;
            }
        }
        List<TableFeed> round = round(now);
        if (!round.isEmpty()) {
            producer = producers.get();
            publish(round, now);
            return;
        }
        long until = standby ? Math.min(nextSweep, nextStandbyTry) : nextSweep;
        for (TableFeed f : feeds) {
            until = Math.min(until, f.nextLook);
        }
        wake(session.waitForChanges(Math.max(1, (until - now) / 1_000_000)));
    }

    /**
     * The fallback for a wake-up that was not sent: every poll interval, the changelogs of every
     * table of the connection are looked at, a part ({@link #SWEEP_PART}) at a time, and the idle
     * ones with changes get their turn. Their upkeep is due then too (a query only when rows expire
     * or deletions wait for a vacuum). A part's statement looks at all its tables, busy ones too, so
     * that its text stays the same.
     */
    private void sweep() {
        int end = Math.min(feeds.size(), sweepFrom + SWEEP_PART);
        List<TableFeed> part = feeds.subList(sweepFrom, end).stream().filter(TableFeed::attached).toList();
        sweepFrom = end == feeds.size() ? 0 : end;
        Set<TableFeed> idle = new HashSet<>();
        for (TableFeed f : part) {
            if (!f.due && f.nextLook == Long.MAX_VALUE) {
                f.maintain(); // retained rows still expire, the last deletions are vacuumed
                idle.add(f);
            }
        }
        if (idle.isEmpty()) {
            return;
        }
        for (int i : session.withChanges(part.stream().map(TableFeed::changelog).toList())) {
            if (idle.contains(part.get(i))) {
                part.get(i).due = true;
            }
        }
    }

    /** The tables whose writers sent a wake-up are looked at in their turn. */
    private void wake(Set<String> channels) {
        if (!channels.isEmpty()) {
            feeds.stream().filter(f -> channels.contains(f.channel())).forEach(f -> f.due = true);
        }
    }

    /**
     * The attached tables that have work or are due for a look, in turn after the last one served
     * (so that each gets its turn); empty: none.
     */
    private List<TableFeed> round(long now) {
        List<TableFeed> round = new ArrayList<>();
        for (int i = 1; i <= feeds.size(); i++) {
            TableFeed f = feeds.get((turn + i) % feeds.size());
            if (f.attached() && (f.due || now >= f.nextLook)) {
                round.add(f);
            }
        }
        return round;
    }

    /**
     * One round: the windows of the tables that need one are opened by one statement; a page of
     * each table with changes is read, in turn, until the round holds a page's worth of events (the
     * reads in one transaction), then sent; once Kafka acknowledged them all, one statement removes
     * the pages' rows and moves every cursor past them. A thousand tables with a change each cost
     * three commits and one wait for Kafka, not a thousand.
     */
    private void publish(List<TableFeed> round, long now) {
        round.forEach(TableFeed::maintain);
        Set<TableFeed> open = new LinkedHashSet<>();
        List<TableFeed> closed = round.stream().filter(f -> !f.windowOpen()).toList();
        session.inTransaction(() -> { // the windows of every table with changes opened by one statement
            Set<TableFeed> opened = new HashSet<>();
            session.openWindows(closed.stream().map(TableFeed::changelog).toList()).forEach(i -> opened.add(closed.get(i)));
            for (TableFeed f : round) {
                if (opened.contains(f)) {
                    f.opened();
                }
                if (f.windowOpen()) {
                    open.add(f);
                }
            }
        });
        for (TableFeed f : round) {
            if (!open.contains(f)) {
                f.due = false;
                f.nextLook = f.nothingNow(now);
            }
        }
        if (open.isEmpty()) {
            return;
        }
        Map<TableFeed, Page> pages = new LinkedHashMap<>();
        session.reading(() -> { // read first, sent after: no transaction stays open while Kafka takes the events
            long events = 0;
            for (TableFeed f : open) {
                if (events >= f.cfg.pageSize()) {
                    break; // the others keep their open windows and come first next round
                }
                Page page = f.read();
                pages.put(f, page);
                events += page.events();
                turn = feeds.indexOf(f);
            }
        });
        List<TableFeed.Sent> sent = new ArrayList<>();
        pages.forEach((f, page) -> sent.add(f.send(producer, page)));
        sent.forEach(TableFeed.Sent::awaitAcks);
        session.finishPages(sent.stream().map(s -> s.feed().finish(s)).toList());
        for (TableFeed.Sent s : sent) {
            s.feed().finished(s);
            s.feed().due = true; // more pages, or the window to close
            s.feed().nextLook = Long.MAX_VALUE;
        }
    }
}
