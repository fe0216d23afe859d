package dev.cdc.postgres;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.cdc.base.Failure;
import dev.cdc.base.Json;
import dev.cdc.db.Sql;
import dev.cdc.db.Table;
import dev.cdc.source.Capture;
import dev.cdc.source.Changelog;
import dev.cdc.source.ChangelogPublisher;
import dev.cdc.source.ChangelogRow;
import dev.cdc.source.Page;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/**
 * A PostgreSQL changelog (sql/source/capture.sql writes it) read on a session shared with other
 * tables' ({@link PgSession}). The cursor is
 * a pair of transaction snapshots: a window holds the rows whose transaction is visible in the
 * current one and not in the previous one (sql/source/open_window.sql, read_window.sql), so a
 * transaction that commits late falls in a later window, never behind the cursor. The cursor
 * row in cdc.capture moves in the transaction that deletes the published rows.
 */
final class PgChangelog implements Changelog {
    /** The first key of the producer's advisory lock; the second is the capture's lock_id. */
    private static final int LOCK_CLASS = 0x0cdc;
    /**
     * Vacuum the changelog after this many changes (or expired retained rows) were deleted, or this
     * long after the last vacuum once {@link #VACUUM_SOME} were. Fewer dead rows cost a read next to
     * nothing and are autovacuum's: a vacuum of every table that saw a change would take the
     * connection from the other tables for milliseconds each (a thousand tables with a few changes
     * each: a vacuum every few milliseconds).
     */
    private static final long VACUUM_CHANGES = 50_000;
    private static final long VACUUM_SOME = 1_000;
    private static final long VACUUM_NANOS = 5_000_000_000L;
    /** Delete expired retained rows this often. */
    private static final long PURGE_NANOS = 1_000_000_000L;

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

    private static final PgCaptures CAPTURES = new PgCaptures();
    private final ChangelogPublisher.Config cfg;
    private final Handle db;
    private Capture capture;
    private final String readSql;
    private final String deleteSql;
    private final String openSql;
    private final String purgeSql;
    private final String vacuumSql;
    private Cursor cursor;
    private Integer keyedFor;
    private JsonNode announced;
    private boolean holdsWakeLock;
    private long deletedSinceVacuum;
    private long lastVacuum = System.nanoTime();
    private long lastPurge = System.nanoTime();

    /**
     * The table's changelog on the session {@code h}: takes the producer lock (empty while another
     * producer holds it), listens for wake-ups and reads the cursor.
     */
    static Optional<Changelog> attach(ChangelogPublisher.Config cfg, Handle h) {
        Capture capture = CAPTURES.load(h, cfg.source(), cfg.schema(), cfg.table());
        // Only one producer per table: the lock's keys are a class of cdc's own and the capture's
        // number in cdc.capture, unique per table. It lives as long as the session.
        boolean locked = h.createQuery(Sql.load("source/try_lock.sql"))
                .bind("c", LOCK_CLASS).bind("id", capture.requireLockId()).mapTo(Boolean.class).one();
        return locked ? Optional.of(new PgChangelog(cfg, h, capture)) : Optional.empty();
    }

    private PgChangelog(ChangelogPublisher.Config cfg, Handle h, Capture capture) {
        this.cfg = cfg;
        this.db = h;
        this.capture = capture;
        Map<String, String> sql = new PgCaptureSql(capture).values();
        readSql = Sql.render("source/read_window.sql", sql);
        deleteSql = Sql.render(cfg.retain().isZero() ? "source/delete_published.sql" : "source/retain_published.sql", sql);
        openSql = Sql.render("source/open_window.sql", sql);
        purgeSql = Sql.render("source/purge_retained.sql", sql);
        vacuumSql = Sql.render("source/vacuum.sql", sql);
        h.execute(Sql.render("source/listen.sql", Map.of("channel", Sql.ident(capture.channel()))));
        cursor = loadCursor(h);
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
        } catch (JsonProcessingException e) {
            announced = null; // announced again
        }
        return new Cursor((String) r.get("epoch"), ((Number) r.get("window_id")).longValue(),
                (String) r.get("prev_snap"), (String) r.get("cur_snap"),
                r.get("cur_max_seq") == null ? null : ((Number) r.get("cur_max_seq")).longValue(),
                ((Number) r.get("last_seq")).longValue());
    }

    @Override
    public Capture capture() {
        return capture;
    }

    @Override
    public String epoch() {
        return cursor.epoch();
    }

    @Override
    public long windowId() {
        return cursor.windowId();
    }

    @Override
    public long lastSeq() {
        return cursor.lastSeq();
    }

    @Override
    public boolean windowOpen() {
        return cursor.curSnap() != null;
    }

    @Override
    public Integer keyedFor() {
        return keyedFor;
    }

    @Override
    public JsonNode announced() {
        return announced;
    }

    /**
     * Deletes retained rows once they expire, and vacuums the changelog (a table that loses every
     * row it takes) far more often than autovacuum would.
     */
    @Override
    public void maintain() {
        long now = System.nanoTime();
        if (!cfg.retain().isZero() && now - lastPurge >= PURGE_NANOS) {
            lastPurge = now;
            deletedSinceVacuum += db.createUpdate(purgeSql)
                    .bind("retain_seconds", cfg.retain().toMillis() / 1000.0).execute();
        }
        if (deletedSinceVacuum >= VACUUM_CHANGES || deletedSinceVacuum >= VACUUM_SOME && now - lastVacuum >= VACUUM_NANOS) {
            db.execute(vacuumSql);
            deletedSinceVacuum = 0;
            lastVacuum = System.nanoTime();
        }
    }

    @Override
    public boolean openWindow() {
        var opened = db.createQuery(openSql).bind("schema", cfg.schema()).bind("table", cfg.table())
                .mapToMap().findOne();
        opened.ifPresent(r -> cursor = cursor.open(((Number) r.get("window_id")).longValue(),
                (String) r.get("cur_snap"), ((Number) r.get("cur_max_seq")).longValue()));
        return opened.isPresent();
    }

    @Override
    public boolean definitionChanged() {
        return !PgCatalog.table(db, cfg.schema(), cfg.table()).map(Table::definition)
                .equals(Optional.of(capture.table().definition()));
    }

    /**
     * Reads changelog rows until they hold a page of events (a statement's chunk can hold many),
     * streaming, so that the rows after the page are never fetched.
     */
    @Override
    public Page readPage(int pageSize) {
        return db.inTransaction(tx -> {
            List<ChangelogRow> rows = new ArrayList<>();
            long events = 0;
            try (var it = tx.createQuery(readSql).setFetchSize(64)
                    .bind("after_seq", cursor.lastSeq()).bind("max_seq", cursor.curMaxSeq())
                    .bind("cur", cursor.curSnap()).bind("prev", cursor.prevSnap()).bind("limit", pageSize)
                    .map((rs, ctx) -> new ChangelogRow(rs.getLong("seq"), rs.getString("txid"), rs.getString("op").charAt(0),
                            rs.getLong("ts_ms"), rs.getInt("n"), rs.getString("data"),
                            rs.getObject("version") == null ? -1 : rs.getLong("version")))
                    .iterator()) {
                while (events < pageSize && it.hasNext()) {
                    ChangelogRow r = it.next();
                    rows.add(r);
                    events += r.n();
                }
                return new Page(rows, events, rows.size() < pageSize && !it.hasNext());
            }
        });
    }

    @Override
    public void finishPage(Page page, String announcedColumns, Integer partitions) {
        boolean closes = page.endsWindow();
        long upto = page.lastSeq(cursor.lastSeq());
        db.useTransaction(tx -> {
            // Safe without waiting for the disk: if a crash loses this commit, the page is published
            // again with the same positions (the consumer skips them), and the next window cannot
            // be opened durably without flushing this commit's WAL first.
            tx.execute(Sql.load("source/relax_commit.sql"));
            if (!page.rows().isEmpty()) {
                tx.createUpdate(deleteSql).bind("after_seq", cursor.lastSeq()).bind("upto", upto)
                        .bind("cur", cursor.curSnap()).bind("prev", cursor.prevSnap()).execute();
            }
            int moved = tx.createUpdate(Sql.load("source/advance_cursor.sql"))
                    .bind("upto", upto).bind("closes", closes).bind("count", page.events())
                    .bind("columns", announcedColumns).bind("partitions", partitions)
                    .bind("schema", cfg.schema()).bind("table", cfg.table()).bind("window_id", cursor.windowId())
                    .execute();
            if (moved != 1) {
                throw new IllegalStateException("the cursor of " + capture.table().display()
                        + " was changed by someone else; is another producer running without the lock?");
            }
        });
        cursor = cursor.advance(upto, closes);
        deletedSinceVacuum += page.events();
    }

    @Override
    public Capture reload() {
        if (PgCatalog.table(db, cfg.schema(), cfg.table()).isEmpty()) {
            throw Failure.precondition("captured table " + capture.table().display() + " no longer exists on the "
                    + cfg.source().where());
        }
        capture = CAPTURES.load(db, cfg.source(), cfg.schema(), cfg.table()); // keyed as recorded
        return capture;
    }

    /**
     * While busy the producer holds the wake lock, and the triggers send no NOTIFY (which would
     * serialize the writers' commits); about to idle, it frees the lock so that they wake it. The
     * lock may be unavailable for an instant while a trigger tests it: then the next page tries again.
     */
    @Override
    public void markBusy(boolean busy) {
        if (busy != holdsWakeLock) {
            String sql = Sql.render(busy ? "source/take_wake_lock.sql" : "source/free_wake_lock.sql",
                    Map.of("wake_lock", new PgCaptureSql(capture).wakeLock()));
            boolean ok = db.createQuery(sql).mapTo(Boolean.class).one();
            holdsWakeLock = busy && ok;
        }
    }

    @Override
    public String channel() {
        return capture.channel();
    }

    @Override
    public long backlog() {
        return CAPTURES.backlog(db, capture).events();
    }
}
