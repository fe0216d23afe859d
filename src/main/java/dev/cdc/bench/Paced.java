package dev.cdc.bench;

import dev.cdc.base.Failure;
import dev.cdc.db.Sql;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Single-row insert transactions at a fixed rate; a watcher on the target sees each row arrive, so
 * the latency is from commit on the source to visible on the target.
 */
final class Paced {
    private final BenchRun run;
    private final int rate;
    private final Map<Integer, Long> pending = new ConcurrentHashMap<>(); // id -> committed at (ns)
    private final List<Double> latencies = Collections.synchronizedList(new ArrayList<>());
    private final AtomicBoolean done = new AtomicBoolean();

    Paced(BenchRun run, int rate) {
        this.run = run;
        this.rate = rate;
    }

    Map<String, Object> measure() throws Exception {
        run.say(String.format("paced: %d single-row transactions/s for %d s ...", rate, run.sizes().pacedSeconds()));
        Thread watcher = new Thread(this::watch);
        watcher.start();
        long sent = write();
        done.set(true);
        watcher.join();
        List<Double> l = new ArrayList<>(latencies);
        Collections.sort(l);
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("rate", rate);
        r.put("sent", sent);
        r.put("seen", l.size());
        r.put("p50_ms", pct(l, 0.50));
        r.put("p95_ms", pct(l, 0.95));
        r.put("p99_ms", pct(l, 0.99));
        r.put("max_ms", l.isEmpty() ? null : BenchReport.round(l.get(l.size() - 1)));
        if (l.size() != sent) {
            throw Failure.difference("paced " + rate + "/s: only " + l.size() + " of " + sent + " rows reached the target");
        }
        run.say(String.format("  latency p50 %s ms, p95 %s ms, p99 %s ms, max %s ms", r.get("p50_ms"), r.get("p95_ms"),
                r.get("p99_ms"), r.get("max_ms")));
        return r;
    }

    /** Writes the rows at the rate (autocommit: each committed when its insert returns); returns how many. */
    private long write() throws SQLException, InterruptedException {
        try (Connection c = run.source().connect("cdc-bench-paced");
             PreparedStatement ins = c.prepareStatement(Sql.load("bench/paced_insert.sql"))) {
            long n = (long) rate * run.sizes().pacedSeconds();
            long t0 = System.nanoTime();
            for (long k = 0; k < n; k++) {
                long due = t0 + k * 1_000_000_000L / rate;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                }
                ins.setString(1, "P" + k);
                try (ResultSet rs = ins.executeQuery()) {
                    rs.next();
                    pending.put(rs.getInt(1), System.nanoTime());
                }
            }
            return n;
        }
    }

    /** Looks for the pending rows on the target every 2 ms until all arrived (or 60 s after the writer ended). */
    private void watch() {
        try (Connection c = run.target().connect("cdc-bench-watch");
             PreparedStatement q = c.prepareStatement(Sql.load("bench/paced_seen.sql"))) {
            long stopAt = Long.MAX_VALUE;
            while (System.nanoTime() < stopAt) {
                if (done.get() && stopAt == Long.MAX_VALUE) {
                    stopAt = System.nanoTime() + 60_000_000_000L;
                }
                List<Integer> ids = new ArrayList<>(pending.keySet());
                if (ids.isEmpty()) {
                    if (done.get()) {
                        return;
                    }
                } else {
                    q.setArray(1, c.createArrayOf("integer", ids.toArray()));
                    seen(q);
                }
                Thread.sleep(2);
            }
        } catch (SQLException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private void seen(PreparedStatement q) throws SQLException {
        try (ResultSet rs = q.executeQuery()) {
            long now = System.nanoTime();
            while (rs.next()) {
                Long at = pending.remove(rs.getInt(1));
                if (at != null) {
                    latencies.add((now - at) / 1e6);
                }
            }
        }
    }

    private static Double pct(List<Double> sorted, double p) {
        return sorted.isEmpty() ? null : BenchReport.round(sorted.get(Math.min(sorted.size() - 1, (int) (p * sorted.size()))));
    }
}
