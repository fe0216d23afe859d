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
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Single-row insert transactions at a fixed rate; a watcher on the target sees each row arrive, so
 * the latency is from commit on the source to visible on the target. The rows go into the employees
 * table, or each into one of several tables picked at random ({@link ManyTables}).
 */
final class Paced {
    private final BenchRun run;
    private final int rate;
    /** Null: the employees table; else the tables of {@link ManyTables}, one picked at random per row. */
    private final List<String> tables;
    private final AtomicLong ids;
    private final Map<Row, Long> pending = new ConcurrentHashMap<>(); // row -> committed at (ns)
    private final List<Double> latencies = Collections.synchronizedList(new ArrayList<>());
    private final AtomicBoolean done = new AtomicBoolean();

    /** A row written, by table (null: employees) and id. */
    private record Row(String table, long id) {
    }

    Paced(BenchRun run, int rate) {
        this(run, rate, null, null);
    }

    /** Rows into tables picked at random among {@code tables}, with ids drawn from {@code ids}. */
    Paced(BenchRun run, int rate, List<String> tables, AtomicLong ids) {
        this.run = run;
        this.rate = rate;
        this.tables = tables;
        this.ids = ids;
    }

    Map<String, Object> measure() throws Exception {
        run.say(String.format("paced: %d single-row transactions/s for %d s%s ...", rate, run.sizes().pacedSeconds(),
                tables == null ? "" : tables.size() == 1 ? " on one table" : " over " + tables.size() + " tables at random"));
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
        boolean mysql = run.source().isMySql();
        try (Connection c = run.source().connect("cdc-bench-paced");
             PreparedStatement ins = c.prepareStatement(BenchRun.sql(run.source(), "paced_insert"))) {
            AtomicLong given = mysql ? new AtomicLong(maxId(c)) : null; // MySQL: ids given, no RETURNING
            long n = (long) rate * run.sizes().pacedSeconds();
            long t0 = System.nanoTime();
            for (long k = 0; k < n; k++) {
                long due = t0 + k * 1_000_000_000L / rate;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                }
                if (tables != null) {
                    insertInto(c, tables.get(ThreadLocalRandom.current().nextInt(tables.size())));
                    continue;
                }
                if (mysql) {
                    long id = given.incrementAndGet();
                    ins.setLong(1, id);
                    ins.setString(2, "P" + k);
                    ins.executeUpdate();
                    pending.put(new Row(null, id), System.nanoTime());
                    continue;
                }
                ins.setString(1, "P" + k);
                try (ResultSet rs = ins.executeQuery()) {
                    rs.next();
                    pending.put(new Row(null, rs.getInt(1)), System.nanoTime());
                }
            }
            return n;
        }
    }

    private long maxId(Connection c) throws SQLException {
        try (PreparedStatement q = c.prepareStatement(BenchRun.sql(run.source(), "max_id")); ResultSet rs = q.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private void insertInto(Connection c, String table) throws SQLException {
        long id = ids.incrementAndGet();
        try (PreparedStatement ins = c.prepareStatement(Sql.render("bench/many_insert_one.sql", Map.of("table", table)))) {
            ins.setLong(1, id);
            ins.executeUpdate();
        }
        pending.put(new Row(table, id), System.nanoTime());
    }

    /** Looks for the pending rows on the target every 2 ms until all arrived (or 60 s after the writer ended). */
    private void watch() {
        Map<String, PreparedStatement> queries = new java.util.HashMap<>();
        try (Connection c = run.target().connect("cdc-bench-watch")) {
            long stopAt = Long.MAX_VALUE;
            while (System.nanoTime() < stopAt) {
                if (done.get() && stopAt == Long.MAX_VALUE) {
                    stopAt = System.nanoTime() + 60_000_000_000L;
                }
                Map<String, List<Long>> awaited = new java.util.TreeMap<>();
                pending.keySet().forEach(r -> awaited.computeIfAbsent(r.table() == null ? "" : r.table(),
                        t -> new ArrayList<>()).add(r.id()));
                if (awaited.isEmpty() && done.get()) {
                    return;
                }
                for (var e : awaited.entrySet()) {
                    String table = e.getKey().isEmpty() ? null : e.getKey();
                    if (table == null && run.target().isMySql()) { // no arrays: the ids written into the statement
                        try (var q = c.createStatement(); ResultSet rs = q.executeQuery(BenchRun.sql(run.target(), "paced_seen",
                                Map.of("ids", Burst.list(e.getValue()))))) {
                            seen(rs, null);
                        }
                        continue;
                    }
                    PreparedStatement q = queries.get(e.getKey());
                    if (q == null) {
                        q = c.prepareStatement(table == null ? Sql.load("bench/paced_seen.sql")
                                : Sql.render("bench/many_seen.sql", Map.of("table", table)));
                        queries.put(e.getKey(), q);
                    }
                    seen(c, q, table, e.getValue());
                }
                Thread.sleep(2);
            }
        } catch (SQLException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Takes the rows of a table (null: employees) that reached the target out of the pending ones. */
    private void seen(Connection c, PreparedStatement q, String table, List<Long> ids) throws SQLException {
        q.setArray(1, c.createArrayOf(table == null ? "integer" : "bigint",
                table == null ? ids.stream().map(Long::intValue).toArray() : ids.toArray()));
        try (ResultSet rs = q.executeQuery()) {
            seen(rs, table);
        }
    }

    private void seen(ResultSet rs, String table) throws SQLException {
        long now = System.nanoTime();
        while (rs.next()) {
            Long at = pending.remove(new Row(table, rs.getLong(1)));
            if (at != null) {
                latencies.add((now - at) / 1e6);
            }
        }
    }

    private static Double pct(List<Double> sorted, double p) {
        return sorted.isEmpty() ? null : BenchReport.round(sorted.get(Math.min(sorted.size() - 1, (int) (p * sorted.size()))));
    }
}
