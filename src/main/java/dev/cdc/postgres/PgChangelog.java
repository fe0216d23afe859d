package dev.cdc.postgres;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cdc.base.Failure;
import dev.cdc.base.Json;
import dev.cdc.db.Sql;
import dev.cdc.db.Table;
import dev.cdc.source.Capture;
import dev.cdc.source.Changelog;
import dev.cdc.source.ChangelogPublisher;
import dev.cdc.source.ChangelogRow;
import dev.cdc.source.Page;
import dev.cdc.source.SourceSession;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.Handle;

/**
 * A PostgreSQL changelog (sql/source/capture.sql writes it) read on a session shared with other
 * tables' ({@link PgSession}). The cursor is
 * a pair of transaction snapshots: a window holds the rows whose transaction is visible in the
 * current one and not in the previous one (sql/source/open_windows.sql, read_window.sql), so a
 * transaction that commits late falls in a later window, never behind the cursor. The cursor
 * row in cdc.capture moves in the transaction that deletes the published rows.
 */
final class PgChangelog implements Changelog {
    /** The first key of the producer's advisory lock; the second is the capture's lock_id. */
    static final int LOCK_CLASS = 0x0cdc;
    /**
     * Vacuum the changelog after this many changes (or expired retained rows) were deleted, or this
     * long after the last vacuum once {@link #VACUUM_SOME} were and none for {@link #QUIET_NANOS}
     * (the writers paused: a vacuum now is not followed by more dead rows at once). Fewer dead rows
     * cost a read next to nothing and are autovacuum's: a vacuum of every table that saw a change
     * would take the connection from the other tables for milliseconds each (a thousand tables
     * with a few changes each: a vacuum every few milliseconds; a burst over a hundred tables: a
     * hundred vacuums in its midst).
     */
    private static final long VACUUM_CHANGES = 50_000;
    private static final long VACUUM_SOME = 1_000;
    private static final long VACUUM_NANOS = 5_000_000_000L;
    private static final long QUIET_NANOS = 1_000_000_000L;
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
    private final Map<String, String> sqlValues;
    private final String readSql;
    private final String purgeSql;
    private final String vacuumSql;
    private Cursor cursor;
    private Integer keyedFor;
    private JsonNode announced;
    private boolean holdsWakeLock;
    private long deletedSinceVacuum;
    private long lastVacuum = System.nanoTime();
    private long lastDelete = System.nanoTime();
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
        sqlValues = Map.copyOf(sql);
        readSql = Sql.render("source/read_window.sql", sql);
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
        if (deletedSinceVacuum >= VACUUM_CHANGES || deletedSinceVacuum >= VACUUM_SOME && now - lastVacuum >= VACUUM_NANOS
                && now - lastDelete >= QUIET_NANOS) {
            db.execute(vacuumSql);
            deletedSinceVacuum = 0;
            lastVacuum = System.nanoTime();
        }
    }

    @Override
    public boolean openWindow() {
        return !openWindows(db, List.of(this)).isEmpty();
    }

    /**
     * Opens the next window of each of the changelogs that holds unpublished rows, with one
     * statement (open_windows.sql); returns their indexes in the list.
     */
    static List<Integer> openWindows(Handle h, List<PgChangelog> logs) {
        if (logs.isEmpty()) {
            return List.of();
        }
        List<String> rows = new ArrayList<>();
        for (int i = 0; i < logs.size(); i++) {
            rows.add(Sql.render("source/open_windows_row.sql", logs.get(i).numbered(i)).strip());
        }
        List<Integer> opened = new ArrayList<>();
        h.createQuery(Sql.render("source/open_windows.sql", Map.of("windows", String.join(", ", rows))))
                .map((rs, ctx) -> {
                    int i = rs.getInt("i");
                    PgChangelog log = logs.get(i);
                    log.cursor = log.cursor.open(rs.getLong("window_id"), rs.getString("cur_snap"), rs.getLong("cur_max_seq"));
                    return opened.add(i);
                }).list();
        return opened;
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
        finishPages(db, List.of(new SourceSession.Finish(this, page, announcedColumns, partitions)));
    }

    /**
     * Removes the pages' rows from their changelogs and moves their cursors, with one statement
     * (finish_pages.sql), in the transaction of {@code h} (its own when it has none).
     */
    static void finishPages(Handle h, List<SourceSession.Finish> pages) {
        ArrayNode rows = Json.MAPPER.createArrayNode();
        StringBuilder deletes = new StringBuilder();
        for (int i = 0; i < pages.size(); i++) {
            SourceSession.Finish f = pages.get(i);
            PgChangelog log = (PgChangelog) f.log();
            rows.add(log.finishing(f.page(), f.announced(), f.keyedFor()).put("i", i));
            if (!f.page().rows().isEmpty()) {
                deletes.append(Sql.render(log.cfg.retain().isZero() ? "source/finish_pages_delete.sql"
                        : "source/finish_pages_retain.sql", log.numbered(i)).strip()).append('\n');
            }
        }
        h.useTransaction(tx -> {
            Set<Integer> moved = new HashSet<>(tx.createQuery(Sql.render("source/finish_pages.sql",
                    Map.of("deletes", deletes.toString()))).bind("pages", Json.write(rows)).mapTo(Integer.class).list());
            for (int i = 0; i < pages.size(); i++) {
                if (!moved.contains(i)) {
                    throw new IllegalStateException("the cursor of " + pages.get(i).log().capture().table().display()
                            + " was changed by someone else; is another producer running without the lock?");
                }
            }
        });
        pages.forEach(f -> ((PgChangelog) f.log()).finished(f.page()));
    }

    /** What finish_pages.sql needs to remove the page's rows and move the cursor. */
    private ObjectNode finishing(Page page, String announcedColumns, Integer partitions) {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("table_schema", cfg.schema()).put("table_name", cfg.table()).put("window_id", cursor.windowId())
                .put("after_seq", cursor.lastSeq()).put("upto", page.lastSeq(cursor.lastSeq()))
                .put("cur", cursor.curSnap()).put("prev", cursor.prevSnap()).put("closes", page.endsWindow())
                .put("count", page.events()).put("partitions", partitions);
        if (announcedColumns != null) {
            try {
                o.set("columns", Json.MAPPER.readTree(announcedColumns));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("the announced definition is not JSON", e);
            }
        }
        return o;
    }

    /** The SQL values of this changelog, with the number {@code i} it has in a statement for several. */
    private Map<String, String> numbered(int i) {
        Map<String, String> v = new HashMap<>(sqlValues);
        v.put("i", Integer.toString(i));
        return v;
    }

    /** The page's rows are gone and the cursor moved past them (committed, or about to be in the round's transaction). */
    private void finished(Page page) {
        cursor = cursor.advance(page.lastSeq(cursor.lastSeq()), page.endsWindow());
        deletedSinceVacuum += page.events();
        lastDelete = System.nanoTime();
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
