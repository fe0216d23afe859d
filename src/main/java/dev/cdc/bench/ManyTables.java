package dev.cdc.bench;

import dev.cdc.base.Failure;
import dev.cdc.db.Sql;
import dev.cdc.db.TableSelector;
import dev.cdc.kafka.Topics;
import dev.cdc.setup.Setup;
import dev.cdc.source.Capture;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.jdbi.v3.core.Handle;

/**
 * {@code cdc bench --tables N}: a schema of N tables of one shape through one produce and one
 * consume, each on its default connections, with a topic per table or (--one-topic) one topic for
 * all. Measures how long setup and topic creation take, what
 * the pipeline costs while idle (CPU, memory, connections), the commit-to-visible latency of 200
 * single-row transactions/s over random tables against the same rate on one table, and a burst over
 * 100 tables against the same burst on one table (three of each, in turn: a burst lasts a second or
 * two, and one pair's ratio moves by a tenth from run to run), all in the same run, so that the
 * ratios hold.
 */
final class ManyTables {
    static final String SCHEMA = "bench_many";
    private static final int IDLE_SECONDS = 20;
    private static final int BURST_TABLES = 100;
    /** The two bursts are run this many times, in turn; the medians are reported, and the median of the pairs' ratios. */
    private static final int BURST_PAIRS = 3;
    private static final int TXN_ROWS = 100;

    /** The topic every table shares with --one-topic. */
    static final String SHARED_TOPIC = SCHEMA + ".all";
    private static final int SHARED_PARTITIONS = 3;

    private final Bench.Options options;
    private final int count;
    /** All tables in one topic ({@link #SHARED_TOPIC}) instead of a topic each. */
    private final boolean oneTopic;
    private final List<String> tables = new ArrayList<>();
    private final AtomicLong ids = new AtomicLong();

    ManyTables(Bench.Options options, int count, boolean oneTopic) {
        this.options = options;
        this.count = count;
        this.oneTopic = oneTopic;
        for (int i = 1; i <= count; i++) {
            tables.add(String.format("t%04d", i));
        }
    }

    /** Creates and sets up the tables and their topics; returns the seconds each step took. */
    Map<String, Object> setUp(Consumer<String> say) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("tables", count);
        r.put("topics", oneTopic ? "one, " + SHARED_TOPIC + " (" + SHARED_PARTITIONS + " partitions)" : "one per table (1 partition)");
        try (Handle h = options.source().open("cdc-bench")) {
            h.execute(Sql.render("bench/many_create.sql", Map.of("tables", Integer.toString(count))));
        }
        long t0 = System.nanoTime();
        Setup.run(options.source(), options.target(), new Setup.Request(new TableSelector(List.of(), List.of(SCHEMA),
                List.of()), null, oneTopic ? SHARED_TOPIC : null, false, Setup.Roles.NONE, null, null));
        r.put("setup_s", BenchReport.round((System.nanoTime() - t0) / 1e9));
        t0 = System.nanoTime();
        if (oneTopic) {
            Topics.create(options.kafka(), List.of(SHARED_TOPIC), SHARED_PARTITIONS, (short) 1);
        } else {
            Topics.create(options.kafka(), tables.stream().map(t -> Capture.defaultTopic(SCHEMA, t)).toList(), 1, (short) 1);
        }
        r.put("topics_s", BenchReport.round((System.nanoTime() - t0) / 1e9));
        say.accept(String.format("%,d tables: setup %s s, topics %s s", count, r.get("setup_s"), r.get("topics_s")));
        return r;
    }

    /** Runs the workloads on the started pipeline. */
    Map<String, Object> measure(BenchRun run) throws Exception {
        Map<String, Object> r = new LinkedHashMap<>();
        run.say(String.format("warm-up: one row in each of the %,d tables ...", count));
        burst(run, tables, count, 1, "warm-up");
        r.put("idle", idle(run));
        List<String> one = List.of(tables.get(0));
        Map<String, Object> pacedOne = new Paced(run, 200, one, ids).measure();
        Map<String, Object> pacedMany = new Paced(run, 200, tables, ids).measure();
        r.put("paced_200_one_table", pacedOne);
        r.put("paced_200_random_tables", pacedMany);
        r.put("paced_p99_ratio", ratio(pacedMany.get("p99_ms"), pacedOne.get("p99_ms")));
        int rows = run.sizes().inserts();
        List<Double> ones = new ArrayList<>();
        List<Double> manys = new ArrayList<>();
        List<Double> ratios = new ArrayList<>();
        for (int pair = 1; pair <= BURST_PAIRS; pair++) { // in turn, so that both see the machine alike
            ones.add(burst(run, one, rows, TXN_ROWS, "burst on one table (" + pair + "/" + BURST_PAIRS + ")"));
            manys.add(burst(run, tables.subList(0, Math.min(BURST_TABLES, count)), rows, TXN_ROWS,
                    "burst on " + Math.min(BURST_TABLES, count) + " tables (" + pair + "/" + BURST_PAIRS + ")"));
            ratios.add(manys.get(manys.size() - 1) / ones.get(ones.size() - 1));
        }
        r.put("burst_one_table_per_s", Math.round(median(ones)));
        r.put("burst_many_tables_per_s", Math.round(median(manys)));
        r.put("burst_ratio", BenchReport.round(median(ratios)));
        r.put("burst_ratios", ratios.stream().map(BenchReport::round).toList());
        run.say(String.format("ratios: paced p99 random tables / one table %s (at most 2 wanted); burst %d tables / one "
                + "table %s, the median of %s (at least 0.8 wanted)", r.get("paced_p99_ratio"), Math.min(BURST_TABLES, count),
                r.get("burst_ratio"), r.get("burst_ratios")));
        verify();
        return r;
    }

    /** What the pipeline costs doing nothing: CPU over a quiet period, memory, connections. */
    private Map<String, Object> idle(BenchRun run) throws InterruptedException {
        run.say(String.format("idle: %d s with nothing to do ...", IDLE_SECONDS));
        Thread.sleep(5_000); // the warm-up's last wake-ups and progress lines
        Map<String, Double> before = run.cpu();
        Thread.sleep(IDLE_SECONDS * 1000L);
        Map<String, Double> after = run.cpu();
        run.pipeline().sample();
        Map<String, Object> r = new LinkedHashMap<>();
        after.forEach((who, s) -> r.put(who + " % of a core", BenchReport.round(100 * (s - before.get(who)) / IDLE_SECONDS)));
        try (Handle s = run.source().open("cdc-bench"); Handle t = run.target().open("cdc-bench")) {
            r.put("produce connections", sessions(s, "cdc-produce"));
            r.put("consume connections", sessions(t, "cdc-consume"));
        }
        r.put("peak RSS MB", run.pipeline().peakRssMb());
        run.say("  " + r);
        return r;
    }

    private static long sessions(Handle h, String application) {
        return h.createQuery(Sql.load("bench/sessions.sql")).bind("a", application).mapTo(Long.class).one();
    }

    /**
     * Inserts {@code rows} rows in transactions of {@code txnRows}, each into the next of the tables
     * in turn, as fast as one client can; returns the changes applied per second, from the first
     * write until the target applied the last.
     */
    private double burst(BenchRun run, List<String> into, int rows, int txnRows, String name) throws Exception {
        if (!name.equals("warm-up")) {
            run.say(String.format("%s: %,d inserts in %d-row transactions ...", name, rows, txnRows));
        }
        BenchPipeline.Mark from = run.pipeline().mark();
        AtomicLong written = new AtomicLong();
        Map<String, Double> cpuBefore = run.cpu();
        long t0 = System.nanoTime();
        run.catchUp().writerFailed(null);
        Thread writer = new Thread(() -> {
            try (Connection c = run.source().connect("cdc-bench-burst")) {
                for (int k = 0; written.get() < rows; k++) {
                    int n = (int) Math.min(txnRows, rows - written.get());
                    long first = ids.getAndAdd(n) + 1;
                    try (PreparedStatement ins = c.prepareStatement(Sql.render("bench/many_burst.sql",
                            Map.of("table", into.get(k % into.size()))))) {
                        ins.setLong(1, first);
                        ins.setLong(2, first + n - 1);
                        ins.executeUpdate();
                    }
                    written.addAndGet(n);
                }
            } catch (SQLException | RuntimeException e) {
                run.catchUp().writerFailed(e);
            }
        });
        writer.start();
        double seconds = run.catchUp().await(from, t0, rows, written, name);
        writer.join();
        double rate = rows / seconds;
        if (!name.equals("warm-up")) {
            Map<String, Double> cpuAfter = run.cpu();
            StringBuilder cpu = new StringBuilder();
            cpuAfter.forEach((who, sec) -> cpu.append(cpu.length() == 0 ? "" : ", ").append(who).append(' ')
                    .append(String.format("%.2f", sec - cpuBefore.getOrDefault(who, 0.0))));
            run.say(String.format("  %,.0f changes/s (%.2f s until applied; %s); CPU seconds: %s", rate, seconds,
                    run.catchUp().milestones(), cpu));
        }
        return rate;
    }

    /** Every table has as many rows on the target as on the source. */
    private void verify() {
        try (Handle s = options.source().open("cdc-bench"); Handle t = options.target().open("cdc-bench")) {
            for (String table : tables) {
                String q = Sql.render("bench/many_count.sql", Map.of("table", table));
                long a = s.createQuery(q).mapTo(Long.class).one();
                long b = t.createQuery(q).mapTo(Long.class).one();
                if (a != b) {
                    throw Failure.difference(SCHEMA + "." + table + ": " + a + " rows on the source, " + b + " on the target");
                }
            }
        }
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        return sorted.get(sorted.size() / 2);
    }

    private static Double ratio(Object a, Object b) {
        return a == null || b == null ? null : BenchReport.round(((Number) a).doubleValue() / ((Number) b).doubleValue());
    }
}
