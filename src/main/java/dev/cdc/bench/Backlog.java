package dev.cdc.bench;

import dev.cdc.db.Sql;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The backlog: changes written while produce and consume are stopped (six tenths inserts, three
 * updates, one deletes, in statements of 10,000 rows); then the time from starting them until the
 * target equals the source.
 */
final class Backlog {
    private static final int STATEMENT_ROWS = 10_000;

    private final BenchRun run;

    Backlog(BenchRun run) {
        this.run = run;
    }

    Map<String, Object> measure() throws Exception {
        run.say(String.format("backlog: %,d changes written while produce and consume are stopped ...", run.sizes().backlog()));
        run.pipeline().stop();
        BenchPipeline.Mark from = run.pipeline().mark();
        long w0 = System.nanoTime();
        long expected = write();
        double writeSeconds = (System.nanoTime() - w0) / 1e9;
        run.say(String.format("  wrote %,d changes in %.1f s; starting produce and consume ...", expected, writeSeconds));
        long t0 = System.nanoTime();
        run.pipeline().start();
        double drain = run.catchUp().await(from, t0, expected, new AtomicLong(expected), "backlog");
        run.catchUp().verify("backlog");
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("changes", expected);
        r.put("write_s", BenchReport.round(writeSeconds));
        r.put("drain_s", BenchReport.round(drain));
        r.put("changes_per_s", Math.round(expected / drain));
        run.say(String.format("  drained in %.1f s: %,.0f changes/s (including the JVMs' start)", drain, expected / drain));
        return r;
    }

    /** Writes the backlog; returns the number of changes. */
    private long write() throws SQLException {
        long written = 0;
        int inserts = run.sizes().backlog() * 6 / 10;
        int updates = run.sizes().backlog() * 3 / 10;
        int deletes = run.sizes().backlog() - inserts - updates;
        try (Connection c = run.source().connect("cdc-bench-backlog");
             PreparedStatement ins = c.prepareStatement(Sql.load("bench/backlog_insert.sql"));
             PreparedStatement upd = c.prepareStatement(Sql.load("bench/backlog_update.sql"));
             PreparedStatement del = c.prepareStatement(Sql.load("bench/backlog_delete.sql"))) {
            for (int i = 0; i < inserts; i += STATEMENT_ROWS) {
                ins.setInt(1, Math.min(STATEMENT_ROWS, inserts - i));
                written += ins.executeUpdate();
            }
            long first = maxId(c) - inserts + 1; // one writer: the inserted ids are the top ones, contiguous
            for (int i = 0; i < updates; i += STATEMENT_ROWS) {
                upd.setLong(1, first + i);
                upd.setLong(2, first + i + Math.min(STATEMENT_ROWS, updates - i));
                written += upd.executeUpdate();
            }
            del.setLong(1, first + inserts - deletes);
            del.setLong(2, first + inserts);
            written += del.executeUpdate();
        }
        return written;
    }

    private static long maxId(Connection c) throws SQLException {
        try (PreparedStatement q = c.prepareStatement(Sql.load("bench/max_id.sql")); ResultSet rs = q.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
