package dev.cdc.mysql;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.cdc.base.Json;
import dev.cdc.db.Sql;
import dev.cdc.source.ChangelogRow;
import dev.cdc.source.Page;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Handle;

/**
 * The cursor over a MySQL/MariaDB changelog, window by window, that never skips a late commit.
 *
 * <p>A changelog seq is taken from AUTO_INCREMENT when a row is written, long before its
 * transaction may commit, so reading "above the last seq" loses the rows of a transaction that
 * commits after a later one was read (the bug that lost 1 % in the PostgreSQL design this project
 * replaced). The usual answers keep a list of the missing seqs and give each up after a timeout
 * (SymmetricDS: 20 minutes), losing a transaction that stays open longer, or decide from who is
 * running, which a seq taken but not yet written, or a stale view of the running transactions,
 * can fool. Here nothing is ever given up, because nothing needs to be: published rows leave the
 * changelog in the transaction that moves the cursor, so a row at or below the high-water mark
 * {@code hw} that is still in the changelog is one that committed after the rows around it were
 * read. Each window holds those late rows first (their order among themselves by seq), then the
 * committed rows above {@code hw}; {@code hw} moves to the highest. A transaction held open for an
 * hour is published when it commits, in the window after; one rolled back leaves nothing.
 *
 * <p>Two changes of one row keep their order: the second waits for the first one's row lock, so
 * the first committed before the second took its seq, and it was in the changelog, and read, no
 * later than the second. When a window takes only part of the late rows (at most
 * {@link #LATE_ROWS}), it takes no row above {@code hw}, for the same reason. The rows above
 * {@code hw} are looked up before the late ones: each statement sees the commits done before it
 * began, so when a late change commits while the window opens and a change of the same row that
 * waited for it commits too, the window that takes the second also takes the first (read the other
 * way round, the second went in this window and the first in the next).
 *
 * <p>What a window holds is stored when it opens, as runs of seqs ({@code [[from, to], ...]},
 * never over a seq missing at that moment), so a window read again after a crash holds the same
 * rows in the same order, with the same positions, even if a late row committed into its range
 * meanwhile (that one goes in a later window).
 */
final class MySqlCursor {
    /** At most this many rows above the high-water mark in one window. */
    private static final int WINDOW_ROWS = 50_000;
    /** At most this many late rows in one window. */
    private static final int LATE_ROWS = 1_000;
    /** At most this many runs of seqs in one window (the statement that reads it names them all). */
    private static final int RUNS = 1_000;
    private static final TypeReference<List<long[]>> RUNS_JSON = new TypeReference<>() {
    };

    private final Handle db;
    private final String schema;
    private final String table;
    private final Map<String, String> sql;

    private String epoch;
    private long windowId;
    private long hw;
    /** The open window: its hw when it closes, and its runs of seqs; null when none is open. */
    private Long winHi;
    private List<long[]> winRuns = List.of();
    private long lastSeq;

    /** {@code changelog}: the changelog's quoted name, e.g. {@code `shop`.`orders_cdc`}. */
    MySqlCursor(Handle db, String schema, String table, String changelog) {
        this(db, schema, table, changelog, null);
    }

    /** {@code retained}: with {@code cdc produce --retain}, the table published rows move to (quoted); null: deleted. */
    MySqlCursor(Handle db, String schema, String table, String changelog, String retained) {
        this.db = db;
        this.schema = schema;
        this.table = table;
        this.sql = retained == null ? Map.of("changelog", changelog) : Map.of("changelog", changelog, "retained", retained);
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

    /** Reads the stored cursor (locking its row until the caller's transaction ends). */
    void load() {
        Map<String, Object> r = db.createQuery(Sql.load("mysql/load_cursor.sql")).bind("schema", schema).bind("table", table)
                .mapToMap().one();
        epoch = (String) r.get("epoch");
        windowId = ((Number) r.get("window_id")).longValue();
        hw = ((Number) r.get("hw")).longValue();
        winHi = r.get("win_hi") == null ? null : ((Number) r.get("win_hi")).longValue();
        winRuns = winHi == null ? List.of() : read((String) r.get("win_runs"));
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
        // above first, late second: each statement sees what committed before it began, so a late
        // change that a row above waited for is seen by the second read if the first saw that row
        List<Long> above = db.createQuery(Sql.render("mysql/visible_above.sql", sql)).bind("hw", hw)
                .bind("limit", WINDOW_ROWS).mapTo(Long.class).list();
        List<Long> late = db.createQuery(Sql.render("mysql/late_rows.sql", sql)).bind("hw", hw).bind("limit", LATE_ROWS)
                .mapTo(Long.class).list();
        if (late.size() >= LATE_ROWS) {
            above = List.of(); // the rest of the late ones first
        }
        if (late.isEmpty() && above.isEmpty()) {
            return false;
        }
        List<long[]> runs = new ArrayList<>();
        addRuns(late, runs, Integer.MAX_VALUE);
        long hi = addRuns(above, runs, RUNS);
        winHi = Math.max(hw, hi);
        winRuns = runs;
        db.createUpdate(Sql.load("mysql/open_window.sql")).bind("hi", winHi)
                .bind("runs", Json.write(Json.MAPPER.valueToTree(runs)))
                .bind("schema", schema).bind("table", table).execute();
        windowId = db.createQuery(Sql.load("mysql/window_id.sql")).bind("schema", schema).bind("table", table)
                .mapTo(Long.class).one();
        lastSeq = 0;
        return true;
    }

    /**
     * Appends the seqs (ascending) to {@code runs} as runs of consecutive ones, stopping once
     * {@code runs} holds {@code maxRuns}; returns the last seq taken (Long.MIN_VALUE: none).
     */
    private static long addRuns(List<Long> seqs, List<long[]> runs, int maxRuns) {
        long last = Long.MIN_VALUE;
        for (long s : seqs) {
            long[] run = runs.isEmpty() ? null : runs.get(runs.size() - 1);
            if (run != null && run[1] == s - 1) {
                run[1] = s;
            } else if (runs.size() >= maxRuns) {
                break;
            } else {
                runs.add(new long[] {s, s});
            }
            last = s;
        }
        return last;
    }

    /** The open window's next rows, at most {@code limit}. */
    Page readPage(int limit) {
        List<ChangelogRow> rows = db.createQuery(Sql.render("mysql/read_window.sql",
                        Map.of("changelog", sql.get("changelog"), "in_window", window())))
                .bind("last", lastSeq).bind("limit", limit)
                .map((rs, ctx) -> new ChangelogRow(rs.getLong("seq"), null, rs.getString("op").charAt(0), rs.getLong("ts_ms"),
                        rs.getInt("n"), rs.getString("data"), rs.getLong("version")))
                .list();
        long events = rows.stream().mapToLong(ChangelogRow::n).sum();
        return new Page(rows, events, rows.size() < limit);
    }

    /**
     * After Kafka acknowledged the page: its rows leave the changelog and the cursor moves past
     * them; at the window's end, the high-water mark moves to its top. Run in a transaction.
     */
    void finishPage(Page page) {
        if (!page.rows().isEmpty() && sql.containsKey("retained")) {
            var keep = db.prepareBatch(Sql.render("mysql/retain_published.sql", sql));
            page.rows().forEach(r -> keep.bind("seq", r.seq()).add());
            keep.execute();
        }
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
        db.createUpdate(Sql.load("mysql/close_window.sql")).bind("events", page.events())
                .bind("schema", schema).bind("table", table).execute();
        hw = winHi;
        winHi = null;
        winRuns = List.of();
        lastSeq = 0;
    }

    /** The open window's seqs, as a condition on {@code seq}: numbers only, written by this class. */
    private String window() {
        return winRuns.stream().map(r -> r[0] == r[1] ? "seq = " + r[0] : "seq BETWEEN " + r[0] + " AND " + r[1])
                .collect(Collectors.joining(" OR "));
    }

    private static List<long[]> read(String json) {
        try {
            return Json.MAPPER.readValue(json, RUNS_JSON);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cdc.capture holds a window that is not JSON: " + json, e);
        }
    }
}
