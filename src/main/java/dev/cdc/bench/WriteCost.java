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
 * insert transactions from 4 clients (on PostgreSQL with the producer busy, and idle so that every
 * commit notifies). On PostgreSQL in schema public (sql/bench/), on MySQL/MariaDB in database
 * cdc_bench (sql/bench/mysql/).
 */
final class WriteCost {
    private final BenchRun run;
    private final boolean mysql;
    private final String schema;
    private final String plain;
    private final String captured;

    WriteCost(BenchRun run) {
        this.run = run;
        this.mysql = run.source().isMySql();
        this.schema = mysql ? "cdc_bench" : "public";
        this.plain = name("cdc_bench_plain");
        this.captured = name("cdc_bench_captured");
    }

    /** A table's quoted name in the benchmark's schema. */
    private String name(String table) {
        return mysql ? "`" + schema + "`.`" + table + "`" : Sql.ident(schema, table);
    }

    /** One of the benchmark's statements, in this engine's words. */
    private String sql(String file, Map<String, String> values) {
        return BenchRun.sql(run.source(), file, values);
    }

    Map<String, Object> measure() throws Exception {
        run.say(String.format("write cost: %,d-row statements and 1-row transactions (4 clients, %d s), with and without capture ...",
                run.sizes().writeCostRows(), run.sizes().writeCostSeconds()));
        Map<String, Object> r = new LinkedHashMap<>();
        try (Handle h = run.source().open("cdc-bench")) {
            if (mysql) {
                h.execute(sql("cost_database", Map.of()));
            }
            for (String t : List.of(plain, captured)) {
                for (String statement : sql("cost_table", Map.of("table", t)).split(";\\s*\\n")) {
                    h.execute(statement);
                }
            }
            Captures captures = Engines.source(run.source()).captures();
            captures.install(h, Capture.of(Engines.catalog(run.source()).find(h, schema, "cdc_bench_captured").orElseThrow()));
            Capture capture = captures.find(h, schema, "cdc_bench_captured").orElseThrow(); // with its lock number
            String changelog = mysql ? name(capture.changelogName()) : new PgCaptureSql(capture).changelog();
            try {
                bulkRatios(h, changelog, r);
                r.put("single_row_insert_4_clients", mysql ? singleRows() : singleRows(h, new PgCaptureSql(capture)));
            } finally {
                captures.uninstall(h, capture);
                for (String t : List.of(plain, captured)) {
                    h.execute(sql("drop_cost_table", Map.of("table", t)));
                }
            }
        }
        return r;
    }

    private void bulkRatios(Handle h, String changelog, Map<String, Object> r) {
        Map<String, double[]> withoutCapture = bulk(h, plain, null);
        Map<String, double[]> withCapture = bulk(h, captured, changelog);
        for (String op : withoutCapture.keySet()) {
            double a = median(withoutCapture.get(op));
            double b = median(withCapture.get(op));
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("plain_s", BenchReport.round(a));
            m.put("captured_s", BenchReport.round(b));
            m.put("ratio", BenchReport.round(b / a));
            r.put("bulk_" + op, m);
            run.say(String.format("  %-6s %,d rows: %.3f s plain, %.3f s captured: %.2fx", op, run.sizes().writeCostRows(), a, b, b / a));
        }
    }

    /** Times INSERT, UPDATE, DELETE of the whole row count, three times each ({@code changelog} null: not captured). */
    private Map<String, double[]> bulk(Handle h, String table, String changelog) {
        Map<String, double[]> times = new LinkedHashMap<>();
        Map<String, String> v = Map.of("table", table, "rows", Integer.toString(run.sizes().writeCostRows()));
        for (int rep = 0; rep < 3; rep++) {
            h.execute(sql("cost_truncate", v));
            if (changelog != null) {
                h.execute(sql("empty_changelog", Map.of("changelog", changelog)));
            }
            h.execute(sql("cost_vacuum", v));
            for (String op : List.of("insert", "update", "delete")) {
                String statement = sql("cost_" + op, v);
                long t0 = System.nanoTime();
                h.execute(statement);
                times.computeIfAbsent(op, k -> new double[3])[rep] = (System.nanoTime() - t0) / 1e9;
            }
        }
        if (changelog != null) {
            h.execute(sql("empty_changelog", Map.of("changelog", changelog)));
        }
        return times;
    }

    /** MySQL: 1-row transactions on the plain and the captured table, alternated twice (no NOTIFY there: produce polls). */
    private Map<String, Object> singleRows() throws InterruptedException {
        double tpsPlain = 0;
        double tpsCaptured = 0;
        for (int round = 0; round < 2; round++) {
            tpsPlain += singleRowTps(plain) / 2;
            tpsCaptured += singleRowTps(captured) / 2;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("plain_tps", Math.round(tpsPlain));
        m.put("captured_tps", Math.round(tpsCaptured));
        m.put("ratio", BenchReport.round(tpsCaptured / tpsPlain));
        run.say(String.format("  1-row insert transactions, 4 clients: %,.0f tps plain, %,.0f tps captured (%.0f%%)",
                tpsPlain, tpsCaptured, 100 * tpsCaptured / tpsPlain));
        return m;
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
            tpsPlain += singleRowTps(plain) / 2;
            tpsBusy += singleRowTps(captured) / 2;
        }
        h.createQuery(Sql.render("source/free_wake_lock.sql", lock)).mapTo(Boolean.class).one();
        double tpsIdle = singleRowTps(captured);
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
        String sql = sql("cost_single_row", Map.of("table", table));
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
