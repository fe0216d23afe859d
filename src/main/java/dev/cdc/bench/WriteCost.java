package dev.cdc.bench;

import dev.cdc.db.Sql;
import dev.cdc.engine.Engines;
import dev.cdc.postgres.PgCaptureSql;
import dev.cdc.source.Capture;
import dev.cdc.source.Captures;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.jdbi.v3.core.Handle;

/**
 * What capture costs the application: the same statements on two tables of one shape, one captured
 * and one not. Bulk INSERT, UPDATE and DELETE of the whole row count (median of three), and 1-row
 * insert transactions from 4 clients (with the producer busy, and idle so that every commit notifies).
 */
final class WriteCost {
    private static final String PLAIN = Sql.ident("public", "cdc_bench_plain");
    private static final String CAPTURED = Sql.ident("public", "cdc_bench_captured");

    private final BenchRun run;

    WriteCost(BenchRun run) {
        this.run = run;
    }

    Map<String, Object> measure() throws Exception {
        run.say(String.format("write cost: %,d-row statements and 1-row transactions (4 clients, %d s), with and without capture ...",
                run.sizes().writeCostRows(), run.sizes().writeCostSeconds()));
        Map<String, Object> r = new LinkedHashMap<>();
        try (Handle h = run.source().open("cdc-bench")) {
            for (String t : List.of(PLAIN, CAPTURED)) {
                h.execute(Sql.render("bench/cost_table.sql", Map.of("table", t)));
            }
            Captures captures = Engines.source(run.source()).captures();
            captures.install(h, Capture.of(Engines.catalog(run.source()).find(h, "public", "cdc_bench_captured").orElseThrow()));
            Capture capture = captures.find(h, "public", "cdc_bench_captured").orElseThrow(); // with its lock number
            try {
                bulk(h, new PgCaptureSql(capture), r);
                r.put("single_row_insert_4_clients", singleRows(h, new PgCaptureSql(capture)));
            } finally {
                captures.uninstall(h, capture);
                h.execute(Sql.load("bench/drop_cost_tables.sql"));
            }
        }
        return r;
    }

    private void bulk(Handle h, PgCaptureSql capture, Map<String, Object> r) {
        Map<String, double[]> plain = bulk(h, PLAIN, null);
        Map<String, double[]> captured = bulk(h, CAPTURED, capture);
        for (String op : plain.keySet()) {
            double a = median(plain.get(op));
            double b = median(captured.get(op));
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("plain_s", BenchReport.round(a));
            m.put("captured_s", BenchReport.round(b));
            m.put("ratio", BenchReport.round(b / a));
            r.put("bulk_" + op, m);
            run.say(String.format("  %-6s %,d rows: %.3f s plain, %.3f s captured: %.2fx", op, run.sizes().writeCostRows(), a, b, b / a));
        }
    }

    /** Times INSERT, UPDATE, DELETE of the whole row count, three times each. */
    private Map<String, double[]> bulk(Handle h, String table, PgCaptureSql capture) {
        Map<String, double[]> times = new LinkedHashMap<>();
        Map<String, String> v = Map.of("table", table, "rows", Integer.toString(run.sizes().writeCostRows()));
        for (int rep = 0; rep < 3; rep++) {
            h.execute(Sql.render("bench/cost_truncate.sql", v));
            if (capture != null) {
                emptyChangelog(h, capture);
            }
            h.execute(Sql.render("bench/cost_vacuum.sql", v));
            for (String op : List.of("insert", "update", "delete")) {
                String sql = Sql.render("bench/cost_" + op + ".sql", v);
                long t0 = System.nanoTime();
                h.execute(sql);
                times.computeIfAbsent(op, k -> new double[3])[rep] = (System.nanoTime() - t0) / 1e9;
            }
        }
        if (capture != null) {
            emptyChangelog(h, capture);
        }
        return times;
    }

    private static void emptyChangelog(Handle h, PgCaptureSql capture) {
        h.execute(Sql.render("bench/empty_changelog.sql", Map.of("changelog", capture.changelog())));
    }

    /**
     * Under a load like this one the producer is busy and the triggers send no NOTIFY (it holds the
     * wake lock, as this session does here); an idle producer is woken by NOTIFY, which makes
     * PostgreSQL serialize the notifying commits. Both are measured, the first alternated twice with
     * the plain table: the machine's rate drifts by a few percent from run to run.
     */
    private Map<String, Object> singleRows(Handle h, PgCaptureSql capture) throws InterruptedException {
        Map<String, String> lock = Map.of("wake_lock", capture.wakeLock());
        if (!h.createQuery(Sql.render("source/take_wake_lock.sql", lock)).mapTo(Boolean.class).one()) {
            throw new IllegalStateException("the wake lock of the write cost's table is taken");
        }
        double tpsPlain = 0;
        double tpsBusy = 0;
        for (int round = 0; round < 2; round++) {
            tpsPlain += singleRowTps(PLAIN) / 2;
            tpsBusy += singleRowTps(CAPTURED) / 2;
        }
        h.createQuery(Sql.render("source/free_wake_lock.sql", lock)).mapTo(Boolean.class).one();
        double tpsIdle = singleRowTps(CAPTURED);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("plain_tps", Math.round(tpsPlain));
        m.put("captured_tps", Math.round(tpsBusy));
        m.put("ratio", BenchReport.round(tpsBusy / tpsPlain));
        m.put("captured_with_notify_tps", Math.round(tpsIdle));
        m.put("ratio_with_notify", BenchReport.round(tpsIdle / tpsPlain));
        run.say(String.format("  1-row insert transactions, 4 clients: %,.0f tps plain, %,.0f tps captured (%.0f%%), "
                + "%,.0f tps captured with NOTIFY on every commit (%.0f%%)", tpsPlain, tpsBusy,
                100 * tpsBusy / tpsPlain, tpsIdle, 100 * tpsIdle / tpsPlain));
        return m;
    }

    private double singleRowTps(String table) throws InterruptedException {
        AtomicLong count = new AtomicLong();
        long end = System.nanoTime() + run.sizes().writeCostSeconds() * 1_000_000_000L;
        String sql = Sql.render("bench/cost_single_row.sql", Map.of("table", table));
        List<Thread> clients = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Thread t = new Thread(() -> {
                try (Connection c = run.source().connect("cdc-bench-tps"); PreparedStatement ins = c.prepareStatement(sql)) {
                    while (System.nanoTime() < end) {
                        ins.executeUpdate();
                        count.incrementAndGet();
                    }
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
            t.start();
            clients.add(t);
        }
        for (Thread t : clients) {
            t.join();
        }
        return count.get() / (double) run.sizes().writeCostSeconds();
    }

    private static double median(double[] v) {
        double[] c = v.clone();
        Arrays.sort(c);
        return c[c.length / 2];
    }
}
