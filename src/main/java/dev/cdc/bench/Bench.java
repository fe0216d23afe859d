package dev.cdc.bench;

import com.fasterxml.jackson.databind.SerializationFeature;
import dev.cdc.base.Failure;
import dev.cdc.base.Json;
import dev.cdc.db.Db;
import dev.cdc.engine.Engines;
import dev.cdc.kafka.Kafka;
import dev.cdc.kafka.Topics;
import dev.cdc.postgres.PgCaptureSql;
import dev.cdc.setup.Setup;
import dev.cdc.source.Capture;
import dev.cdc.source.Captures;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.jdbi.v3.core.Handle;

/**
 * {@code cdc bench}: the project's benchmark. Runs produce and consume as separate JVMs (as users
 * do) against a source and a target, drives the employees table with fixed workloads, and reports
 * throughput, latency, drain rate, write cost and the processes' memory and CPU, as a table, as
 * JSON, and as a plot of lag over time (an HTML page).
 */
public final class Bench {
    private static final String[] CITIES = {"Boston", "Austin", "Zürich", "São Paulo", "Kraków", "東京", "O'Fallon"};

    /** Sizes of the workloads; {@link #scaled} shrinks them for a quick run. */
    public record Sizes(int inserts, int updates, int deletes, int txnRows, int pacedSeconds, int backlog,
                        int writeCostRows, int writeCostSeconds) {
        public static Sizes standard() {
            return new Sizes(100_000, 50_000, 20_000, 100, 30, 1_000_000, 200_000, 10);
        }

        public Sizes scaled(double f) {
            return new Sizes(n(inserts, f), n(updates, f), n(deletes, f), txnRows, n(pacedSeconds, f), n(backlog, f),
                    n(writeCostRows, f), n(writeCostSeconds, f));
        }

        private static int n(int v, double f) {
            return Math.max(1, (int) Math.round(v * f));
        }
    }

    private final Db source;
    private final Db target;
    private final Kafka kafka;
    private final Sizes sizes;
    private final List<String> jvmOptions;
    private final Path outDir;
    private final PrintWriter out;
    private final String group = "cdc-bench";
    private final Map<String, Object> results = new LinkedHashMap<>();
    private final Map<String, List<double[]>> lagSeries = new LinkedHashMap<>();
    private final List<ChildProcess> processes = new ArrayList<>();
    private ChildProcess produce;
    private ChildProcess consume;
    private final Map<String, double[]> resources = new LinkedHashMap<>(); // role -> {peak RSS MB, CPU s}
    private final Map<String, Long> serverPids = new LinkedHashMap<>();

    private boolean profile;

    /** Records produce and consume with JFR and summarizes where their CPU went. */
    public Bench withProfile(boolean on) {
        this.profile = on;
        return this;
    }

    private List<String> jvm(String role) {
        if (!profile) {
            return jvmOptions;
        }
        List<String> o = new ArrayList<>(jvmOptions);
        o.add("-XX:StartFlightRecording=filename=" + outDir.resolve(role + "-" + processes.size() + ".jfr").toAbsolutePath()
                + ",settings=profile,dumponexit=true");
        return o;
    }

    /** Names the server processes (embedded mode) so the burst can show where the CPU went. */
    public Bench withServerPids(Map<String, Long> pids) {
        serverPids.putAll(pids);
        return this;
    }

    /** CPU seconds so far of every process of the pipeline this machine runs. */
    private Map<String, Double> cpu() {
        Map<String, Double> m = new LinkedHashMap<>();
        serverPids.forEach((name, pid) -> m.put(name, name.contains("PostgreSQL") ? CpuTime.ofTree(pid) : CpuTime.of(pid)));
        m.put("produce", CpuTime.ofTree(produce.pid()));
        m.put("consume", CpuTime.ofTree(consume.pid()));
        m.put("writer (bench JVM)", CpuTime.of(ProcessHandle.current().pid()));
        return m;
    }

    public Bench(Db source, Db target, Kafka kafka, Sizes sizes, List<String> jvmOptions, Path outDir, PrintWriter out) {
        this.source = source;
        this.target = target;
        this.kafka = kafka;
        this.sizes = sizes;
        this.jvmOptions = jvmOptions;
        this.outDir = outDir;
        this.out = out;
    }

    /** Runs every workload; returns the results (also written to bench.json and lag.html). */
    public Map<String, Object> run() throws Exception {
        Files.createDirectories(outDir);
        try (var old = Files.list(outDir)) {
            for (Path f : old.filter(f -> f.toString().endsWith(".jfr") || f.toString().endsWith(".log")).toList()) {
                Files.delete(f);
            }
        }
        results.put("machine", machine());
        results.put("jvm_options", String.join(" ", jvmOptions));
        say("setup: " + String.join("; ", Setup.demo(source, target)));
        say(Topics.create(kafka, 3, (short) 1));
        try {
            startPipeline();
            burst();
            paced(200);
            paced(1000);
            backlog();
            stopPipeline();
            writeCost();
        } finally {
            processes.forEach(ChildProcess::close);
        }
        results.put("resources", resourceSummary());
        if (profile) {
            StringBuilder p = new StringBuilder();
            try (var files = Files.list(outDir)) {
                for (Path f : files.filter(f -> f.toString().endsWith(".jfr")).sorted().toList()) {
                    p.append(f.getFileName()).append(": ").append(JfrSummary.of(f)).append("\n");
                }
            }
            Files.writeString(outDir.resolve("profile.txt"), p.toString());
            say("\nJFR profile (" + outDir.resolve("profile.txt") + "):\n" + p);
        }
        write();
        return results;
    }

    // ---------------------------------------------------------------- pipeline

    private void startPipeline() throws IOException {
        List<String> src = List.of("--source", source.url(), "--source-user", source.user(),
                "--source-password", source.password());
        List<String> dst = List.of("--target", target.url(), "--target-user", target.user(),
                "--target-password", target.password());
        List<String> broker = List.of("--bootstrap-servers", kafka.bootstrapServers(), "--topic", kafka.topic());
        produce = ChildProcess.start(jvm("produce"), outDir.resolve("produce.log"),
                concat(List.of("produce"), src, broker, List.of("--progress-interval", "5")));
        consume = ChildProcess.start(jvm("consume"), outDir.resolve("consume.log"),
                concat(List.of("consume"), dst, broker, List.of("--group", group, "--progress-interval", "5")));
        processes.add(produce);
        processes.add(consume);
    }

    private void stopPipeline() throws InterruptedException {
        for (var e : Map.of("produce", produce, "consume", consume).entrySet()) {
            ChildProcess p = e.getValue();
            int code = p.stop();
            if (code != 0) {
                throw new IllegalStateException(e.getKey() + " exited with " + code + "; see " + p.log());
            }
            double[] r = resources.computeIfAbsent(e.getKey(), k -> new double[2]);
            r[0] = Math.max(r[0], p.peakRssMb());
            r[1] += p.cpuSeconds();
        }
    }

    @SafeVarargs
    private static List<String> concat(List<String>... parts) {
        List<String> all = new ArrayList<>();
        for (List<String> p : parts) {
            all.addAll(p);
        }
        return all;
    }

    private long published() {
        try (Handle h = source.open("cdc-bench")) {
            return published(h);
        }
    }

    private static long published(Handle h) {
        return h.createQuery("SELECT published FROM cdc.capture WHERE table_schema = 'public' AND table_name = 'employees'")
                .mapTo(Long.class).one();
    }

    private long applied(Handle h) {
        return h.createQuery("SELECT coalesce(sum(applied), 0) FROM cdc.applied_offsets WHERE group_id = :g")
                .bind("g", group).mapTo(Long.class).one();
    }

    private volatile Exception writerFailure;

    private void checkAlive() {
        if (writerFailure != null) {
            throw new IllegalStateException("the benchmark's writer failed: " + writerFailure, writerFailure);
        }
        for (ChildProcess p : List.of(produce, consume)) {
            if (!p.alive()) {
                throw new IllegalStateException("a pipeline process died; see " + p.log());
            }
        }
    }

    /**
     * Waits until the target applied {@code expected} more events than {@code base}, sampling the
     * lag every 100 ms into the named series; returns seconds from {@code t0} to then.
     */
    private double awaitApplied(long base, long expected, long t0, AtomicLong written, String series,
                                long publishedBase) throws InterruptedException {
        List<double[]> s = series == null ? null : lagSeries.computeIfAbsent(series, k -> new ArrayList<>());
        try (Handle src = source.open("cdc-bench"); Handle dst = target.open("cdc-bench")) {
            long deadline = System.nanoTime() + 600_000_000_000L;
            int i = 0;
            while (true) {
                long applied = applied(dst) - base;
                double t = (System.nanoTime() - t0) / 1e9;
                if (s != null) {
                    long pub = published(src) - publishedBase;
                    long w = written.get();
                    s.add(new double[] {t, Math.max(0, w - pub), Math.max(0, w - applied)});
                }
                if (applied >= expected && written.get() >= expected) {
                    return t;
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the target did not catch up within 10 minutes");
                }
                if (++i % 10 == 0) {
                    checkAlive();
                    produce.sample();
                    consume.sample();
                }
                Thread.sleep(series == null ? 10 : 100);
            }
        }
    }

    /** Whole-table comparison: count and md5 of every row, both sides. */
    private void verify(String workload) {
        try (Handle s = source.open("cdc-bench"); Handle t = target.open("cdc-bench")) {
            String sql = "SELECT count(*) || ':' || coalesce(md5(string_agg(md5(e::text), '' ORDER BY emp_id)), '') "
                    + "FROM public.employees e";
            String a = s.createQuery(sql).mapTo(String.class).one();
            String b = t.createQuery(sql).mapTo(String.class).one();
            if (!a.equals(b)) {
                throw Failure.difference(workload + ": the target differs from the source after catching up");
            }
        }
    }

    // ---------------------------------------------------------------- workloads

    /** 100k inserts, 50k updates, 20k deletes in 100-row transactions from one client. */
    private void burst() throws Exception {
        say(String.format("burst: %,d inserts, %,d updates, %,d deletes in %d-row transactions ...",
                sizes.inserts(), sizes.updates(), sizes.deletes(), sizes.txnRows()));
        long base;
        long pubBase = published();
        try (Handle h = target.open("cdc-bench")) {
            base = applied(h);
        }
        AtomicLong written = new AtomicLong();
        Map<String, Double> cpuBefore = cpu();
        long t0 = System.nanoTime();
        double[] writeSeconds = new double[1];
        writerFailure = null;
        Thread writer = new Thread(() -> {
            try (Connection c = source.connect("cdc-bench-burst")) {
                burstWrites(c, written);
                writeSeconds[0] = (System.nanoTime() - t0) / 1e9;
            } catch (SQLException | RuntimeException e) {
                writerFailure = e;
            }
        });
        writer.start();
        long expected = (long) sizes.inserts() + sizes.updates() + sizes.deletes();
        double total = awaitApplied(base, expected, t0, written, "burst", pubBase);
        writer.join();
        Map<String, Double> cpuAfter = cpu();
        verify("burst");
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("changes", expected);
        r.put("write_s", round(writeSeconds[0]));
        r.put("caught_up_after_write_s", round(Math.max(0, total - writeSeconds[0])));
        r.put("total_s", round(total));
        r.put("changes_per_s", Math.round(expected / total));
        Map<String, Object> cpu = new LinkedHashMap<>();
        cpuAfter.forEach((k, v) -> cpu.put(k, round(v - cpuBefore.get(k))));
        r.put("cpu_s", cpu);
        r.put("cpu_available_s", round(total * Runtime.getRuntime().availableProcessors()));
        results.put("burst", r);
        say(String.format("  %,.0f changes/s end to end; target equal %.2f s after the writers finished", expected / total,
                Math.max(0, total - writeSeconds[0])));
        say(String.format("  CPU seconds in those %.1f s (%d cores: %.1f s available): %s", total,
                Runtime.getRuntime().availableProcessors(), total * Runtime.getRuntime().availableProcessors(), cpu));
    }

    private void burstWrites(Connection c, AtomicLong written) throws SQLException {
        Random rnd = new Random(42);
        c.setAutoCommit(false);
        List<Integer> ids = new ArrayList<>();
        int n = sizes.txnRows();
        try (PreparedStatement ins = c.prepareStatement("INSERT INTO public.employees (first_name, last_name, dob, city, salary) "
                + "SELECT 'First' || g, 'Last' || g, DATE '1950-01-01' + (g * 7) % 18000, (?::text[])[1 + g % 7], 30000 + g % 170000 "
                + "FROM generate_series(?, ?) g RETURNING emp_id");
             PreparedStatement upd = c.prepareStatement(
                     "UPDATE public.employees SET salary = salary + 1, city = ? WHERE emp_id = ANY(?)");
             PreparedStatement del = c.prepareStatement("DELETE FROM public.employees WHERE emp_id = ANY(?)")) {
            ins.setArray(1, c.createArrayOf("text", CITIES));
            for (int i = 0; i < sizes.inserts(); i += n) {
                ins.setInt(2, i);
                ins.setInt(3, i + Math.min(n, sizes.inserts() - i) - 1);
                try (ResultSet rs = ins.executeQuery()) {
                    while (rs.next()) {
                        ids.add(rs.getInt(1));
                    }
                }
                c.commit();
                written.addAndGet(Math.min(n, sizes.inserts() - i));
            }
            for (int i = 0; i < sizes.updates(); i += n) {
                int k = Math.min(n, sizes.updates() - i);
                upd.setString(1, CITIES[rnd.nextInt(CITIES.length)]);
                upd.setArray(2, c.createArrayOf("integer", sample(ids, k, rnd).toArray()));
                written.addAndGet(upd.executeUpdate());
                c.commit();
            }
            List<Integer> doomed = sample(ids, Math.min(sizes.deletes(), ids.size()), rnd);
            for (int i = 0; i < doomed.size(); i += n) {
                del.setArray(1, c.createArrayOf("integer", doomed.subList(i, Math.min(doomed.size(), i + n)).toArray()));
                written.addAndGet(del.executeUpdate());
                c.commit();
            }
        }
    }

    private static List<Integer> sample(List<Integer> ids, int k, Random rnd) {
        List<Integer> copy = new ArrayList<>(ids);
        Collections.shuffle(copy, rnd);
        return new ArrayList<>(copy.subList(0, Math.min(k, copy.size())));
    }

    /** Single-row insert transactions at a fixed rate; latency from commit to visible on the target. */
    private void paced(int rate) throws Exception {
        say(String.format("paced: %d single-row transactions/s for %d s ...", rate, sizes.pacedSeconds()));
        Map<Integer, Long> pending = new ConcurrentHashMap<>();
        List<Double> latencies = Collections.synchronizedList(new ArrayList<>());
        AtomicLong sent = new AtomicLong();
        java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
        Thread watcher = new Thread(() -> {
            try (Connection c = target.connect("cdc-bench-watch");
                 PreparedStatement q = c.prepareStatement("SELECT emp_id FROM public.employees WHERE emp_id = ANY(?)")) {
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
                    Thread.sleep(2);
                }
            } catch (SQLException | InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        watcher.start();
        try (Connection c = source.connect("cdc-bench-paced");
             PreparedStatement ins = c.prepareStatement("INSERT INTO public.employees (first_name, last_name, dob, city, salary) "
                     + "VALUES ('Paced', ?, DATE '1980-05-17', 'Austin', 50000) RETURNING emp_id")) {
            long n = (long) rate * sizes.pacedSeconds();
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
                    pending.put(rs.getInt(1), System.nanoTime()); // autocommit: committed now
                }
                sent.incrementAndGet();
            }
        }
        done.set(true);
        watcher.join();
        List<Double> l = new ArrayList<>(latencies);
        Collections.sort(l);
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("rate", rate);
        r.put("sent", sent.get());
        r.put("seen", l.size());
        r.put("p50_ms", pct(l, 0.50));
        r.put("p95_ms", pct(l, 0.95));
        r.put("p99_ms", pct(l, 0.99));
        r.put("max_ms", l.isEmpty() ? null : round(l.get(l.size() - 1)));
        results.put("paced_" + rate, r);
        if (l.size() != sent.get()) {
            throw Failure.difference("paced " + rate + "/s: only " + l.size() + " of " + sent.get() + " rows reached the target");
        }
        say(String.format("  latency p50 %s ms, p95 %s ms, p99 %s ms, max %s ms", r.get("p50_ms"), r.get("p95_ms"),
                r.get("p99_ms"), r.get("max_ms")));
    }

    private static Double pct(List<Double> sorted, double p) {
        return sorted.isEmpty() ? null : round(sorted.get(Math.min(sorted.size() - 1, (int) (p * sorted.size()))));
    }

    /** 1,000,000 changes written while produce and consume are stopped; then the time to drain them. */
    private void backlog() throws Exception {
        say(String.format("backlog: %,d changes written while produce and consume are stopped ...", sizes.backlog()));
        stopPipeline();
        long base;
        try (Handle h = target.open("cdc-bench")) {
            base = applied(h);
        }
        long pubBase = published();
        AtomicLong written = new AtomicLong();
        long w0 = System.nanoTime();
        try (Connection c = source.connect("cdc-bench-backlog"); Statement st = c.createStatement()) {
            int inserts = sizes.backlog() * 6 / 10;
            int updates = sizes.backlog() * 3 / 10;
            int deletes = sizes.backlog() - inserts - updates;
            for (int i = 0; i < inserts; i += 10_000) {
                int k = Math.min(10_000, inserts - i);
                written.addAndGet(st.executeUpdate("INSERT INTO public.employees (first_name, last_name, dob, city, salary) "
                        + "SELECT 'Backlog', 'B' || g, DATE '1960-01-01' + g % 15000, 'Kraków', 40000 + g % 1000 "
                        + "FROM generate_series(1, " + k + ") g"));
            }
            long first = maxId(st) - inserts + 1; // one writer: the inserted ids are the top ones, contiguous
            for (int i = 0; i < updates; i += 10_000) {
                int k = Math.min(10_000, updates - i);
                written.addAndGet(st.executeUpdate("UPDATE public.employees SET salary = salary + 1 WHERE emp_id >= "
                        + (first + i) + " AND emp_id < " + (first + i + k)));
            }
            written.addAndGet(st.executeUpdate("DELETE FROM public.employees WHERE emp_id >= " + (first + inserts - deletes)
                    + " AND emp_id < " + (first + inserts)));
        }
        double writeSeconds = (System.nanoTime() - w0) / 1e9;
        long expected = written.get();
        say(String.format("  wrote %,d changes in %.1f s; starting produce and consume ...", expected, writeSeconds));
        long t0 = System.nanoTime();
        startPipeline();
        AtomicLong all = new AtomicLong(expected);
        double drain = awaitApplied(base, expected, t0, all, "backlog", pubBase);
        verify("backlog");
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("changes", expected);
        r.put("write_s", round(writeSeconds));
        r.put("drain_s", round(drain));
        r.put("changes_per_s", Math.round(expected / drain));
        results.put("backlog", r);
        say(String.format("  drained in %.1f s: %,.0f changes/s (including the JVMs' start)", drain, expected / drain));
    }

    private static long maxId(Statement st) throws SQLException {
        try (ResultSet rs = st.executeQuery("SELECT coalesce(max(emp_id), 0) FROM public.employees")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** The same statements on a table with and without capture. */
    private void writeCost() throws Exception {
        say(String.format("write cost: %,d-row statements and 1-row transactions (4 clients, %d s), with and without capture ...",
                sizes.writeCostRows(), sizes.writeCostSeconds()));
        Map<String, Object> r = new LinkedHashMap<>();
        try (Handle h = source.open("cdc-bench")) {
            for (String t : List.of("cdc_bench_plain", "cdc_bench_captured")) {
                h.execute("DROP TABLE IF EXISTS public." + t + " CASCADE");
                h.execute("CREATE TABLE public." + t + " (emp_id bigserial PRIMARY KEY, first_name varchar(100) NOT NULL, "
                        + "last_name varchar(100) NOT NULL, dob date, city varchar(100), salary numeric(12, 2))");
            }
            Captures captures = Engines.source(source).captures();
            captures.install(h, Capture.of(Engines.catalog(source).find(h, "public", "cdc_bench_captured").orElseThrow()));
            Capture capture = captures.find(h, "public", "cdc_bench_captured").orElseThrow(); // with its lock number
            try {
                Map<String, double[]> plain = bulk(h, "cdc_bench_plain", null);
                Map<String, double[]> captured = bulk(h, "cdc_bench_captured", capture);
                for (String op : plain.keySet()) {
                    double a = median(plain.get(op));
                    double b = median(captured.get(op));
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("plain_s", round(a));
                    m.put("captured_s", round(b));
                    m.put("ratio", round(b / a));
                    r.put("bulk_" + op, m);
                    say(String.format("  %-6s %,d rows: %.3f s plain, %.3f s captured: %.2fx", op, sizes.writeCostRows(), a, b, b / a));
                }
                // Under a load like this one the producer is busy and the triggers send no NOTIFY
                // (it holds the wake lock, as this session does here); an idle producer is woken
                // by NOTIFY, which makes PostgreSQL serialize the notifying commits. Both are measured.
                // alternated twice: the machine's rate drifts by a few percent from run to run
                h.createQuery("SELECT pg_advisory_lock(" + new PgCaptureSql(capture).wakeLock() + ")").mapTo(String.class).one();
                double tpsPlain = 0;
                double tpsBusy = 0;
                for (int round = 0; round < 2; round++) {
                    tpsPlain += singleRowTps("cdc_bench_plain") / 2;
                    tpsBusy += singleRowTps("cdc_bench_captured") / 2;
                }
                h.createQuery("SELECT pg_advisory_unlock(" + new PgCaptureSql(capture).wakeLock() + ")").mapTo(Boolean.class).one();
                double tpsIdle = singleRowTps("cdc_bench_captured");
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("plain_tps", Math.round(tpsPlain));
                m.put("captured_tps", Math.round(tpsBusy));
                m.put("ratio", round(tpsBusy / tpsPlain));
                m.put("captured_with_notify_tps", Math.round(tpsIdle));
                m.put("ratio_with_notify", round(tpsIdle / tpsPlain));
                r.put("single_row_insert_4_clients", m);
                say(String.format("  1-row insert transactions, 4 clients: %,.0f tps plain, %,.0f tps captured (%.0f%%), "
                        + "%,.0f tps captured with NOTIFY on every commit (%.0f%%)", tpsPlain, tpsBusy,
                        100 * tpsBusy / tpsPlain, tpsIdle, 100 * tpsIdle / tpsPlain));
            } finally {
                captures.uninstall(h, capture);
                h.execute("DROP TABLE IF EXISTS public.cdc_bench_plain, public.cdc_bench_captured");
            }
        }
        results.put("write_cost", r);
    }

    /** Times INSERT, UPDATE, DELETE of the whole row count, three times each. */
    private Map<String, double[]> bulk(Handle h, String table, Capture capture) {
        Map<String, double[]> times = new LinkedHashMap<>();
        String[][] ops = {
            {"insert", "INSERT INTO public." + table + " (first_name, last_name, dob, city, salary) SELECT 'F' || g, 'L' || g, "
                + "DATE '1970-01-01' + g % 20000, 'City ' || g % 100, g % 100000 FROM generate_series(1, " + sizes.writeCostRows() + ") g"},
            {"update", "UPDATE public." + table + " SET salary = salary + 1"},
            {"delete", "DELETE FROM public." + table},
        };
        for (int rep = 0; rep < 3; rep++) {
            h.execute("TRUNCATE public." + table);
            if (capture != null) {
                h.execute("TRUNCATE " + new PgCaptureSql(capture).changelog());
            }
            h.execute("VACUUM ANALYZE public." + table);
            for (String[] op : ops) {
                long t0 = System.nanoTime();
                h.execute(op[1]);
                times.computeIfAbsent(op[0], k -> new double[3])[rep] = (System.nanoTime() - t0) / 1e9;
            }
        }
        if (capture != null) {
            h.execute("TRUNCATE " + new PgCaptureSql(capture).changelog());
        }
        return times;
    }

    private double singleRowTps(String table) throws InterruptedException {
        AtomicLong count = new AtomicLong();
        long end = System.nanoTime() + sizes.writeCostSeconds() * 1_000_000_000L;
        List<Thread> clients = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Thread t = new Thread(() -> {
                try (Connection c = source.connect("cdc-bench-tps");
                     PreparedStatement ins = c.prepareStatement("INSERT INTO public." + table
                             + " (first_name, last_name, dob, city, salary) VALUES ('T', 'P', DATE '1990-01-01', 'Austin', 1)")) {
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
        return count.get() / (double) sizes.writeCostSeconds();
    }

    private static double median(double[] v) {
        double[] c = v.clone();
        java.util.Arrays.sort(c);
        return c[c.length / 2];
    }

    // ---------------------------------------------------------------- output

    private Map<String, Object> resourceSummary() {
        Map<String, Object> r = new LinkedHashMap<>();
        resources.forEach((role, v) -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("peak_rss_mb", (long) v[0]);
            m.put("cpu_s", round(v[1]));
            r.put(role, m);
        });
        return r;
    }

    private void write() throws IOException {
        Files.writeString(outDir.resolve("bench.json"),
                Json.MAPPER.writer(new com.fasterxml.jackson.core.util.DefaultPrettyPrinter())
                        .without(SerializationFeature.FAIL_ON_EMPTY_BEANS).writeValueAsString(results));
        Files.writeString(outDir.resolve("lag.html"), LagPlot.html(lagSeries, machine()));
        out.println();
        out.println(table());
        out.println("results: " + outDir.resolve("bench.json") + "   lag plot: " + outDir.resolve("lag.html"));
        out.flush();
    }

    @SuppressWarnings("unchecked")
    private String table() {
        StringBuilder b = new StringBuilder();
        Map<String, Object> burst = (Map<String, Object>) results.get("burst");
        Map<String, Object> backlog = (Map<String, Object>) results.get("backlog");
        Map<String, Object> cost = (Map<String, Object>) results.get("write_cost");
        b.append(String.format("%-44s %s%n", "workload", "result"));
        b.append(String.format("%-44s %,d changes/s; target equal %s s after the writers%n",
                "burst (" + burst.get("changes") + " changes)", burst.get("changes_per_s"), burst.get("caught_up_after_write_s")));
        b.append(String.format("%-44s %s of %s available%n", "  CPU seconds during the burst", burst.get("cpu_s"),
                burst.get("cpu_available_s")));
        for (String k : List.of("paced_200", "paced_1000")) {
            Map<String, Object> p = (Map<String, Object>) results.get(k);
            b.append(String.format("%-44s p50 %s  p95 %s  p99 %s  max %s ms%n", "paced " + p.get("rate") + "/s latency",
                    p.get("p50_ms"), p.get("p95_ms"), p.get("p99_ms"), p.get("max_ms")));
        }
        b.append(String.format("%-44s %,d changes/s (%s s)%n", "backlog drain (" + backlog.get("changes") + " changes)",
                backlog.get("changes_per_s"), backlog.get("drain_s")));
        for (String op : List.of("insert", "update", "delete")) {
            Map<String, Object> m = (Map<String, Object>) cost.get("bulk_" + op);
            b.append(String.format("%-44s %sx (%s s vs %s s)%n", "write cost, " + sizes.writeCostRows() + "-row " + op,
                    m.get("ratio"), m.get("captured_s"), m.get("plain_s")));
        }
        Map<String, Object> tps = (Map<String, Object>) cost.get("single_row_insert_4_clients");
        b.append(String.format("%-44s %s of %s tps (%.0f%%); %s (%.0f%%) with NOTIFY%n", "write cost, 1-row insert txns, 4 clients",
                tps.get("captured_tps"), tps.get("plain_tps"), 100 * ((Number) tps.get("ratio")).doubleValue(),
                tps.get("captured_with_notify_tps"), 100 * ((Number) tps.get("ratio_with_notify")).doubleValue()));
        ((Map<String, Object>) results.get("resources")).forEach((role, v) -> {
            Map<String, Object> m = (Map<String, Object>) v;
            b.append(String.format("%-44s peak RSS %s MB, CPU %s s%n", role + " (" + String.join(" ", jvmOptions) + ")",
                    m.get("peak_rss_mb"), m.get("cpu_s")));
        });
        return b.toString();
    }

    private static Map<String, Object> machine() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cores", Runtime.getRuntime().availableProcessors());
        m.put("memory_gb", Math.round(memoryKb() / 1024.0 / 1024.0));
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        m.put("java", System.getProperty("java.version"));
        return m;
    }

    private static long memoryKb() {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (l.startsWith("MemTotal:")) {
                    return Long.parseLong(l.replaceAll("\\D", ""));
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return 0;
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }

    private void say(String line) {
        out.println(line);
        out.flush();
    }

}
