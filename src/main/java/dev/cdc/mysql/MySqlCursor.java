package dev.cdc.mysql;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.cdc.base.Json;
import dev.cdc.db.Sql;
import dev.cdc.source.ChangelogRow;
import dev.cdc.source.Page;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Handle;

/**
 * The cursor over a MySQL/MariaDB changelog, window by window, that never skips a late commit.
 *
 * <p>A changelog seq is taken from AUTO_INCREMENT when a row is written, long before its
 * transaction may commit, so reading "above the last seq" loses the rows of a transaction that
 * commits after a later one was read (the bug that lost 1 % in the PostgreSQL design this project
 * replaced). Here a window holds the committed rows above the high-water mark {@code hw}; every
 * seq below the highest one read that is missing is a <em>gap</em>: a transaction still open (its
 * row appears when it commits, and goes in a later window), or a seq that will never be committed
 * (a rollback, a failed statement). The usual answer, giving a gap up after a timeout, loses a
 * transaction that stays open longer. The rule here is never wrong: the open transaction that
 * wrote a gap's row holds that row's lock, so a locking read of it that does not wait
 * ({@code FOR UPDATE NOWAIT}) tells the three cases apart: the row (committed since), an error
 * (still being written: the gap is kept), or nothing (rolled back: the gap is given up). A
 * transaction held open for an hour keeps its gap for an hour, while the rows around it are
 * published as they commit. A gap is probed only once it is a second old: a seq is taken and its
 * row inserted in one step of the trigger's INSERT, and a second is far more than that step.
 *
 * <p>(Reading who is running from {@code information_schema.INNODB_TRX} instead does not work:
 * that table is a copy refreshed only when it was not read for 100 ms, so a reader that looks at
 * it often enough sees the same stale copy forever; found by {@code MySqlCursorIT}.)
 *
 * <p>What a window holds is stored when it opens (the seqs in {@code (hw, win_hi]} but the gaps
 * found there, and the older gaps committed since), so a window read again after a crash holds
 * the same rows in the same order, with the same positions. Two changes of one row are never
 * reordered: the second waits for the first one's row lock, so the first is committed, and
 * published, no later than the second.
 */
final class MySqlCursor {
    /** A gap is probed once it is this old (µs). */
    static final long GAP_AGE_MICROS = 1_000_000;
    /** At most this many gaps probed when a window opens (the others wait for the next one). */
    private static final int PROBES = 200;
    /** The errors of a locking read that found the row locked: MariaDB's lock wait timeout, MySQL's NOWAIT. */
    private static final java.util.Set<Integer> LOCKED = java.util.Set.of(1205, 3572);
    /** At most this many rows above the high-water mark in one window. */
    private static final int WINDOW_ROWS = 100_000;
    private static final TypeReference<List<long[]>> GAPS = new TypeReference<>() {
    };
    private static final TypeReference<List<Long>> SEQS = new TypeReference<>() {
    };

    private final Handle db;
    private final String schema;
    private final String table;
    private final Map<String, String> sql;

    private String epoch;
    private long windowId;
    private long hw;
    /** Gaps up to hw: seq → when it was seen (µs). */
    private final TreeMap<Long, Long> gaps = new TreeMap<>();
    /** The open window: null when none is. */
    private Long winHi;
    /** The gaps found in the open window: seq → when seen (µs); pending from its close on. */
    private final TreeMap<Long, Long> winGaps = new TreeMap<>();
    private final TreeSet<Long> winFills = new TreeSet<>();
    private long lastSeq;

    /** {@code changelog}: the changelog's quoted name, e.g. {@code `shop`.`orders_cdc`}. */
    MySqlCursor(Handle db, String schema, String table, String changelog) {
        this.db = db;
        this.schema = schema;
        this.table = table;
        this.sql = Map.of("changelog", changelog);
    }

    String epoch() {
        return epoch;
    }

    long windowId() {
        return windowId;
    }

    long lastSeq() {
        return lastSeq;
    }

    boolean windowOpen() {
        return winHi != null;
    }

    /** The gaps still open (for status and tests). */
    int gaps() {
        return gaps.size();
    }

    /** Reads the stored cursor (locking its row until the caller's transaction ends). */
    void load() {
        Map<String, Object> r = db.createQuery(Sql.load("mysql/load_cursor.sql")).bind("schema", schema).bind("table", table)
                .mapToMap().one();
        epoch = (String) r.get("epoch");
        windowId = ((Number) r.get("window_id")).longValue();
        hw = ((Number) r.get("hw")).longValue();
        gaps.clear();
        readGaps((String) r.get("gaps"), gaps);
        winHi = r.get("win_hi") == null ? null : ((Number) r.get("win_hi")).longValue();
        winGaps.clear();
        winFills.clear();
        if (winHi != null) {
            readGaps((String) r.get("win_gaps"), winGaps);
            winFills.addAll(read((String) r.get("win_fills"), SEQS));
        }
        lastSeq = ((Number) r.get("last_seq")).longValue();
    }

    /**
     * Opens a window when none is open and there is something to publish; false: nothing now. Run
     * in a transaction: the window is stored when it commits.
     */
    boolean open() {
        load();
        if (winHi != null) {
            return true;
        }
        List<Long> visible = db.createQuery(Sql.render("mysql/visible_above.sql", sql)).bind("hw", hw)
                .bind("limit", WINDOW_ROWS).mapTo(Long.class).list();
        long now = db.createQuery(Sql.load("mysql/now.sql")).mapTo(Long.class).one();
        java.util.Set<Long> fills = new TreeSet<>();
        boolean gapsChanged = false;
        if (!gaps.isEmpty()) {
            fills.addAll(db.createQuery(Sql.render("mysql/filled_gaps.sql", Map.of("changelog", sql.get("changelog"),
                    "seqs", list(gaps.keySet())))).mapTo(Long.class).list());
            int probes = 0;
            for (var it = gaps.entrySet().iterator(); it.hasNext() && probes < PROBES; ) {
                var g = it.next();
                if (fills.contains(g.getKey()) || now - g.getValue() < GAP_AGE_MICROS) {
                    continue;
                }
                probes++;
                switch (probe(g.getKey())) {
                    case COMMITTED -> fills.add(g.getKey());
                    case NEVER -> {
                        it.remove();
                        gapsChanged = true;
                    }
                    case OPEN -> { } // kept until its transaction ends
                }
            }
        }
        if (visible.isEmpty() && fills.isEmpty()) {
            if (gapsChanged) {
                db.createUpdate(Sql.load("mysql/keep_gaps.sql")).bind("gaps", json(gaps)).bind("schema", schema)
                        .bind("table", table).execute();
            }
            return false;
        }
        long hi = visible.isEmpty() ? hw : visible.get(visible.size() - 1);
        winGaps.clear();
        int i = 0;
        for (long seq = hw + 1; seq <= hi; seq++) { // the seqs between the rows read: not committed when read
            if (i < visible.size() && visible.get(i) == seq) {
                i++;
            } else {
                winGaps.put(seq, now);
            }
        }
        winHi = hi;
        winFills.clear();
        winFills.addAll(fills);
        db.createUpdate(Sql.load("mysql/open_window.sql")).bind("hi", hi).bind("win_gaps", json(winGaps))
                .bind("fills", write(winFills)).bind("gaps", json(gaps)).bind("schema", schema).bind("table", table)
                .execute();
        windowId = db.createQuery(Sql.load("mysql/window_id.sql")).bind("schema", schema).bind("table", table)
                .mapTo(Long.class).one();
        lastSeq = 0;
        return true;
    }

    private enum Gap { COMMITTED, NEVER, OPEN }

    private Gap probe(long seq) {
        try {
            return db.createQuery(Sql.render("mysql/probe_gap.sql", sql)).bind("seq", seq).mapTo(Long.class).findOne()
                    .isPresent() ? Gap.COMMITTED : Gap.NEVER;
        } catch (RuntimeException e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof java.sql.SQLException q && LOCKED.contains(q.getErrorCode())) {
                    return Gap.OPEN;
                }
            }
            throw e;
        }
    }

    /** The open window's next rows, at most {@code limit}. */
    Page readPage(int limit) {
        List<ChangelogRow> rows = db.createQuery(Sql.render("mysql/read_window.sql",
                        Map.of("changelog", sql.get("changelog"), "in_window", window())))
                .bind("last", lastSeq).bind("limit", limit)
                .map((rs, ctx) -> new ChangelogRow(rs.getLong("seq"), null, rs.getString("op").charAt(0), rs.getLong("ts_ms"),
                        rs.getInt("n"), rs.getString("data"), -1))
                .list();
        long events = rows.stream().mapToLong(ChangelogRow::n).sum();
        return new Page(rows, events, rows.size() < limit);
    }

    /**
     * After Kafka acknowledged the page: its rows leave the changelog and the cursor moves past
     * them; at the window's end, the high-water mark moves to its top and its gaps join the others.
     * Run in a transaction.
     */
    void finishPage(Page page) {
        if (!page.rows().isEmpty()) {
            var delete = db.prepareBatch(Sql.render("mysql/delete_published.sql", sql));
            page.rows().forEach(r -> delete.bind("seq", r.seq()).add());
            delete.execute();
        }
        if (!page.endsWindow()) {
            lastSeq = page.lastSeq(lastSeq);
            db.createUpdate(Sql.load("mysql/advance_cursor.sql")).bind("last", lastSeq).bind("events", page.events())
                    .bind("schema", schema).bind("table", table).execute();
            return;
        }
        winFills.forEach(gaps::remove);
        gaps.putAll(winGaps);
        db.createUpdate(Sql.load("mysql/close_window.sql")).bind("gaps", json(gaps)).bind("events", page.events())
                .bind("schema", schema).bind("table", table).execute();
        hw = winHi;
        winHi = null;
        winGaps.clear();
        winFills.clear();
        lastSeq = 0;
    }

    /** The open window's seqs, as a condition on {@code seq}: numbers only, written by this class. */
    private String window() {
        String in = "seq > " + hw + " AND seq <= " + winHi
                + (winGaps.isEmpty() ? "" : " AND seq NOT IN (" + list(winGaps.keySet()) + ")");
        return winFills.isEmpty() ? in : "(" + in + ") OR seq IN (" + list(winFills) + ")";
    }

    private static String list(java.util.Collection<Long> seqs) {
        return seqs.stream().map(String::valueOf).collect(Collectors.joining(","));
    }

    /** Gaps as stored: {@code [[seq, seen at µs], ...]}. */
    private static String json(Map<Long, Long> gaps) {
        List<long[]> out = new ArrayList<>();
        gaps.forEach((seq, at) -> out.add(new long[] {seq, at}));
        return write(out);
    }

    private static void readGaps(String json, Map<Long, Long> into) {
        into.clear();
        for (long[] g : read(json, GAPS)) {
            into.put(g[0], g[1]);
        }
    }

    private static <T> T read(String json, TypeReference<T> type) {
        try {
            return Json.MAPPER.readValue(json, type);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cdc.capture holds a cursor that is not JSON: " + json, e);
        }
    }

    private static String write(Object value) {
        try {
            return Json.MAPPER.writeValueAsString(value);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
