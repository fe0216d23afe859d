package dev.cdc.source;

import dev.cdc.base.Backoff;
import dev.cdc.base.Failure;
import dev.cdc.base.Json;
import dev.cdc.base.Metrics;
import dev.cdc.base.Progress;
import dev.cdc.db.Db;
import dev.cdc.db.Sql;
import dev.cdc.db.Table;
import dev.cdc.event.ChangeEvent;
import dev.cdc.kafka.Kafka;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.jdbi.v3.core.Handle;
import org.postgresql.PGConnection;
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
    private static final Logger log = LoggerFactory.getLogger("cdc.produce");
    private static final int LOCK_CLASS = 0x0cdc;
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

    /** Vacuum the changelog after this many changes (or expired retained rows) were deleted, or this long after one was. */
    private static final long VACUUM_CHANGES = 50_000;
    private static final long VACUUM_NANOS = 5_000_000_000L;
    /** Delete expired retained rows this often. */
    private static final long PURGE_NANOS = 1_000_000_000L;
    private long deletedSinceVacuum;
    private long lastVacuum = System.nanoTime();
    private long lastPurge = System.nanoTime();

    private final Config cfg;
    private volatile boolean stopping;
    private volatile KafkaProducer<byte[], byte[]> producer;
    private final AtomicLong published = new AtomicLong();
    private final Backoff backoff = new Backoff(200, 10_000);

    private Handle db;
    private boolean holdsWakeLock;
    private Capture capture;
    private String readSql;
    private String deleteSql;
    private String openSql;
    private String purgeSql;
    private String vacuumSql;
    private Cursor cursor;
    private final Progress progress;
    /** The column names rows are expected to have; a row with another one makes the producer look again. */
    private java.util.Set<String> knownColumns;
    /** The columns as last announced on the topic (cdc.capture.columns), JSON. */
    private com.fasterxml.jackson.databind.JsonNode announced;
    /** The table's definition differs from the one last announced: announce it before the next change. */
    private boolean announce;
    /** The topic's partitions the events were keyed for so far (cdc.capture.partitions); null: none yet. */
    private Integer keyedFor;

    /** The stored cursor: the open window (if any) and how far it is published. */
    private record Cursor(String epoch, long windowId, String prevSnap, String curSnap, Long curMaxSeq, long lastSeq) {
        Cursor open(long id, String snap, long maxSeq) {
            return new Cursor(epoch, id, prevSnap, snap, maxSeq, 0);
        }

        Cursor advance(long upto, boolean closes) {
            return closes ? new Cursor(epoch, windowId, curSnap, null, null, 0)
                    : new Cursor(epoch, windowId, prevSnap, curSnap, curMaxSeq, upto);
        }
    }

    /** Changelog rows read for one round: at least a page of events, or the rest of the window. */
    private record Page(List<ChangelogRow> rows, long events, boolean endsWindow) {
        long lastSeq(long otherwise) {
            return rows.isEmpty() ? otherwise : rows.get(rows.size() - 1).seq();
        }
    }

    public ChangelogPublisher(Config cfg) {
        this.cfg = cfg;
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
        try (Handle h = cfg.source().open("cdc-produce")) {
            Capture c = Capture.load(h, cfg.source(), cfg.schema(), cfg.table());
            if (Table.find(h, c.changelogSchema(), c.retainedName()).isEmpty() || c.lockId() == null) {
                throw c.installedByOlderCdc();
            }
            List<String> missing = h.createQuery(Sql.render("source/missing_rights.sql", c.sql())).mapTo(String.class).list();
            if (!missing.isEmpty()) {
                throw cfg.source().lacksRights("lacks " + String.join(", ", missing));
            }
        } catch (Failure f) {
            throw f;
        } catch (RuntimeException e) {
            throw cfg.source().explain(e);
        }
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
        try (Handle h = cfg.source().open("cdc-produce")) {
            h.createUpdate(Sql.load("source/accept_partitions.sql")).bind("partitions", n)
                    .bind("schema", cfg.schema()).bind("table", cfg.table()).execute();
        }
        log.info("the events of {}.{} are keyed for the {} partitions of topic {} from now on", cfg.schema(), cfg.table(), n,
                cfg.kafka().topic());
    }

    @Override
    public void run() {
        try {
            while (!stopping) {
                try {
                    if (db == null) {
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
                    log.warn("{}; retrying in {} ms", describe(e), backoff.nextMillis());
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
        Handle h = cfg.source().open("cdc-produce");
        try {
            capture = Capture.load(h, cfg.source(), cfg.schema(), cfg.table());
            Map<String, String> sql = capture.sql();
            readSql = Sql.render("source/read_window.sql", sql);
            deleteSql = Sql.render(cfg.retain().isZero() ? "source/delete_published.sql" : "source/retain_published.sql", sql);
            openSql = Sql.render("source/open_window.sql", sql);
            purgeSql = Sql.render("source/purge_retained.sql", sql);
            vacuumSql = Sql.render("source/vacuum.sql", sql);
            lock(h);
            h.execute("LISTEN " + Sql.ident(capture.channel()));
            cursor = loadCursor(h);
            knownColumns = java.util.Set.copyOf(capture.table().columns());
            announce = !definitionTree().equals(announced);
        } catch (RuntimeException e) {
            h.close();
            throw e;
        }
        db = h;
        if (producer == null) {
            producer = cfg.kafka().producer("cdc-produce-" + capture.changelogName());
        }
        log.info("publishing {} from the {} to topic {} at {} (window {}, seq {})", capture.changelogDisplay(),
                cfg.source().where(), cfg.kafka().topic(), cfg.kafka().bootstrapServers(), cursor.windowId(), cursor.lastSeq());
    }

    /**
     * Only one producer per table: the others wait here, as standbys, until the lock is free. The
     * lock's keys are a class of cdc's own and the capture's number in cdc.capture, unique per table.
     */
    private void lock(Handle h) {
        String name = capture.table().display();
        boolean said = false;
        while (!stopping) {
            boolean got = h.createQuery("SELECT pg_try_advisory_lock(:c, :id)")
                    .bind("c", LOCK_CLASS).bind("id", capture.requireLockId()).mapTo(Boolean.class).one();
            if (got) {
                if (said) {
                    log.info("took over publishing {}", name);
                }
                return;
            }
            if (!said) {
                log.info("another cdc produce is publishing {}; standing by to take over", name);
                said = true;
            }
            sleep(1000);
        }
        throw new StoppedException();
    }

    private Cursor loadCursor(Handle h) {
        Map<String, Object> r = h.createQuery(Sql.load("source/load_cursor.sql"))
                .bind("schema", cfg.schema()).bind("table", cfg.table()).mapToMap().one();
        if (Boolean.TRUE.equals(r.get("xid_went_back"))) {
            throw Failure.precondition("the transaction ids of the " + cfg.source().where()
                    + " are lower than the stored cursor (was it restored from a dump?); "
                    + "reinstall capture: drop the changelog and the cdc schema on the source, then run cdc setup");
        }
        keyedFor = r.get("partitions") == null ? null : ((Number) r.get("partitions")).intValue();
        String columns = (String) r.get("columns");
        try {
            announced = columns == null ? null : Json.MAPPER.readTree(columns);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            announced = null; // announced again
        }
        return new Cursor((String) r.get("epoch"), ((Number) r.get("window_id")).longValue(),
                (String) r.get("prev_snap"), (String) r.get("cur_snap"),
                r.get("cur_max_seq") == null ? null : ((Number) r.get("cur_max_seq")).longValue(),
                ((Number) r.get("last_seq")).longValue());
    }

    private void disconnect() {
        if (db != null) {
            try {
                db.close();
            } catch (RuntimeException ignored) {
                // the connection is gone already
            }
            db = null;
            holdsWakeLock = false; // a session lock ends with its session
        }
        KafkaProducer<byte[], byte[]> p = producer;
        if (p != null) {
            producer = null;
            p.close(Duration.ofSeconds(stopping ? 0 : 5));
        }
    }

    private void step() {
        maintain();
        if (cursor.curSnap() == null && !openWindow()) {
            reportProgress();
            waitForChanges();
            return;
        }
        long started = System.nanoTime();
        Page page = readPage();
        String announced = null;
        if (page.events() > 0) {
            announced = publish(page);
            lastWork = System.nanoTime();
        }
        finishPage(page, announced);
        deletedSinceVacuum += page.events();
        String table = capture.table().display();
        Metrics.add("cdc_published_events_total", page.events(), "table", table);
        Metrics.add("cdc_publish_batches_total", 1, "table", table);
        Metrics.add("cdc_publish_batch_seconds_total", (System.nanoTime() - started) / 1e9, "table", table);
        reportProgress();
    }

    /**
     * Keeps the changelog small: deletes retained rows once they expire, and vacuums the changelog
     * (a table that loses every row it takes) far more often than autovacuum would.
     */
    private void maintain() {
        long now = System.nanoTime();
        if (!cfg.retain().isZero() && now - lastPurge >= PURGE_NANOS) {
            lastPurge = now;
            deletedSinceVacuum += db.createUpdate(purgeSql)
                    .bind("retain_seconds", cfg.retain().toMillis() / 1000.0).execute();
        }
        if (deletedSinceVacuum >= VACUUM_CHANGES || deletedSinceVacuum > 0 && now - lastVacuum >= VACUUM_NANOS) {
            db.execute(vacuumSql);
            deletedSinceVacuum = 0;
            lastVacuum = System.nanoTime();
        }
    }

    private boolean openWindow() {
        var opened = db.createQuery(openSql).bind("schema", cfg.schema()).bind("table", cfg.table())
                .mapToMap().findOne();
        opened.ifPresent(r -> cursor = cursor.open(((Number) r.get("window_id")).longValue(),
                (String) r.get("cur_snap"), ((Number) r.get("cur_max_seq")).longValue()));
        if (opened.isPresent() && capture.table().definition().stream().anyMatch(c -> c.enumType() != null)
                && !Table.find(db, cfg.schema(), cfg.table()).map(Table::definition).equals(
                        java.util.Optional.of(capture.table().definition()))) {
            // A label added to an enum (ALTER TYPE ... ADD VALUE) commits before any row that uses it:
            // read after the window opened, the labels include every one its rows can hold, and a
            // changed definition is read in full and announced before the window's first change.
            refreshDefinition(List.of());
        }
        return opened.isPresent();
    }

    /**
     * Reads changelog rows until they hold a page of events (a statement's chunk can hold many),
     * streaming, so that the rows after the page are never fetched.
     */
    private Page readPage() {
        return db.inTransaction(tx -> {
            List<ChangelogRow> rows = new ArrayList<>();
            long events = 0;
            try (var it = tx.createQuery(readSql).setFetchSize(64)
                    .bind("after_seq", cursor.lastSeq()).bind("max_seq", cursor.curMaxSeq())
                    .bind("cur", cursor.curSnap()).bind("prev", cursor.prevSnap()).bind("limit", cfg.pageSize())
                    .map((rs, ctx) -> new ChangelogRow(rs.getLong("seq"), rs.getString("txid"), rs.getString("op").charAt(0),
                            rs.getLong("ts_ms"), rs.getInt("n"), rs.getString("data"),
                            rs.getObject("version") == null ? -1 : rs.getLong("version")))
                    .iterator()) {
                while (events < cfg.pageSize() && it.hasNext()) {
                    ChangelogRow r = it.next();
                    rows.add(r);
                    events += r.n();
                }
                return new Page(rows, events, rows.size() < cfg.pageSize() && !it.hasNext());
            }
        });
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
        AtomicReference<Exception> failed = new AtomicReference<>();
        Callback check = (meta, e) -> {
            if (e != null) {
                failed.compareAndSet(null, e);
            }
        };
        String sent = null;
        for (ChangelogRow r : page.rows()) {
            List<String> columns = r.columns(); // empty for D and T
            if (!knownColumns.containsAll(columns)) {
                refreshDefinition(columns);
            }
            if (announce) {
                sent = capture.table().definitionJson();
                sendToEveryPartition(topic, partitions, ChangeEvent.encodeSchema(table, sent, cfg.sourceName(), cursor.epoch(),
                        cursor.windowId(), r.seq(), r.txid(), r.tsMs()), check);
                this.announced = definitionTree();
                announce = false;
                log.info("announced the columns of {} on topic {}: {}", table, topic, capture.table().columns());
            }
            if (r.op() == 'T') {
                sendToEveryPartition(topic, partitions, ChangeEvent.encodeTruncate(table, partitions, cfg.sourceName(), cursor.epoch(),
                        cursor.windowId(), r.seq(), r.txid(), r.tsMs()), check);
                continue;
            }
            r.forEach(capture.table().key(), (index, key, row) -> {
                String value = ChangeEvent.encode(r.op(), table, key, row, cfg.sourceName(), r.version(), cursor.epoch(), cursor.windowId(),
                        r.seq(), index, r.txid(), r.tsMs());
                byte[] k = key.getBytes(StandardCharsets.UTF_8);
                producer.send(new ProducerRecord<>(topic, Kafka.partitionFor(k, partitions), k,
                        value.getBytes(StandardCharsets.UTF_8)), check);
            });
        }
        producer.flush();
        Exception e = failed.get();
        if (e != null) {
            throw e instanceof RuntimeException re ? re : new KafkaException(e);
        }
        return sent;
    }

    private com.fasterxml.jackson.databind.JsonNode definitionTree() {
        return Json.MAPPER.valueToTree(capture.table().definition());
    }

    private void sendToEveryPartition(String topic, int partitions, String value, Callback check) {
        byte[] v = value.getBytes(StandardCharsets.UTF_8);
        for (int p = 0; p < partitions; p++) {
            producer.send(new ProducerRecord<>(topic, p, null, v), check);
        }
    }

    /** A row has columns the producer did not know: reads the table's definition again. */
    private void refreshDefinition(List<String> seen) {
        if (Table.find(db, cfg.schema(), cfg.table()).isEmpty()) {
            throw Failure.precondition("captured table " + capture.table().display() + " no longer exists on the "
                    + cfg.source().where());
        }
        capture = Capture.load(db, cfg.source(), cfg.schema(), cfg.table()); // keyed as recorded
        Table now = capture.table();
        java.util.Set<String> known = new java.util.HashSet<>(now.columns());
        known.addAll(seen); // a column added and dropped again since: the consumer stops on it, naming it
        knownColumns = known;
        announce = !definitionTree().equals(announced);
    }

    private void finishPage(Page page, String announcedColumns) {
        boolean closes = page.endsWindow();
        long upto = page.lastSeq(cursor.lastSeq());
        db.useTransaction(tx -> {
            // Safe without waiting for the disk: if a crash loses this commit, the page is published
            // again with the same positions (the consumer skips them), and the next window cannot
            // be opened durably without flushing this commit's WAL first.
            tx.execute("SET LOCAL synchronous_commit = off");
            if (!page.rows().isEmpty()) {
                tx.createUpdate(deleteSql).bind("after_seq", cursor.lastSeq()).bind("upto", upto)
                        .bind("cur", cursor.curSnap()).bind("prev", cursor.prevSnap()).execute();
            }
            int moved = tx.createUpdate(Sql.load("source/advance_cursor.sql"))
                    .bind("upto", upto).bind("closes", closes).bind("count", page.events())
                    .bind("columns", announcedColumns).bind("partitions", keyedFor)
                    .bind("schema", cfg.schema()).bind("table", cfg.table()).bind("window_id", cursor.windowId())
                    .execute();
            if (moved != 1) {
                throw new IllegalStateException("the cursor of " + capture.table().display()
                        + " was changed by someone else; is another producer running without the lock?");
            }
        });
        cursor = cursor.advance(upto, closes);
        published.addAndGet(page.events());
        progress.add(page.events());
        markBusy(!(closes && page.events() < IDLE_PAGE));
    }

    /**
     * While busy the producer holds the wake lock, and the triggers send no NOTIFY (which would
     * serialize the writers' commits); about to idle, it frees the lock so that they wake it. The
     * lock may be unavailable for an instant while a trigger tests it: then the next page tries again.
     */
    private void markBusy(boolean busy) {
        if (busy != holdsWakeLock) {
            String sql = busy ? "SELECT pg_try_advisory_lock(" + capture.wakeLock() + ")"
                    : "SELECT pg_advisory_unlock(" + capture.wakeLock() + ")";
            boolean ok = db.createQuery(sql).mapTo(Boolean.class).one();
            holdsWakeLock = busy && ok;
        }
    }

    private void waitForChanges() {
        try {
            // A writer that found the wake lock held just before the producer freed it commits without
            // notifying: shortly after work, poll fast as well, so such a change waits at most
            // BUSY_POLL_MILLIS; idle for longer, rely on notifications and the poll interval.
            boolean recent = System.nanoTime() - lastWork < BUSY_PERIOD_NANOS;
            PGConnection pg = db.getConnection().unwrap(PGConnection.class);
            pg.getNotifications((int) (recent ? Math.min(BUSY_POLL_MILLIS, cfg.pollMillis()) : cfg.pollMillis()));
        } catch (SQLException e) {
            throw new org.jdbi.v3.core.ConnectionException(e);
        }
    }

    private void reportProgress() {
        if (!progress.due()) {
            return;
        }
        long rate = progress.rate();
        long backlog = capture.backlog(db).events();
        Metrics.gauge("cdc_changelog_backlog", () -> backlog, "table", capture.table().display());
        log.info("published {} events ({}/s), backlog {}, window {}", progress.total(), rate, backlog, cursor.windowId());
    }

    private void sleep(long millis) {
        long end = System.currentTimeMillis() + millis;
        while (!stopping && System.currentTimeMillis() < end) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Thrown inside the loop when a stop was asked while waiting. */
    static final class StoppedException extends RuntimeException {
    }
}
