package dev.cdc.bench;

import dev.cdc.db.Db;
import dev.cdc.kafka.Kafka;
import dev.cdc.kafka.Topics;
import dev.cdc.db.TableSelector;
import dev.cdc.setup.Setup;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;

/**
 * {@code cdc bench}: the project's benchmark. Runs produce and consume as separate JVMs (as users
 * do) against a source and a target, drives the employees table with fixed workloads
 * ({@link Burst}, {@link Paced}, {@link Backlog}, {@link WriteCost}), and reports throughput,
 * latency, drain rate, write cost and the processes' memory and CPU, as a table, as JSON, and as a
 * plot of lag over time (an HTML page).
 */
public final class Bench {

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

    /** Where the benchmark runs: the servers, the sizes, produce's and consume's JVM options, the results' directory. */
    public record Options(Db source, Db target, Kafka kafka, Sizes sizes, List<String> jvmOptions, Path outDir) {
    }

    private final Options options;
    private final PrintWriter out;
    private final Map<String, Long> serverPids = new LinkedHashMap<>();
    private boolean profile;
    private int tables;
    private boolean oneTopic;
    private final Map<String, Object> notes = new LinkedHashMap<>();

    public Bench(Options options, PrintWriter out) {
        this.options = options;
        this.out = out;
    }

    /** Records produce and consume with JFR and summarizes where their CPU went. */
    public Bench withProfile(boolean on) {
        this.profile = on;
        return this;
    }

    /** Runs the many-tables workloads ({@link ManyTables}) on this many tables instead of the standard ones (0: the standard ones), in one topic or a topic each. */
    public Bench withTables(int n, boolean oneTopic) {
        this.tables = n;
        this.oneTopic = oneTopic;
        return this;
    }

    /** Names the server processes (embedded mode) so the burst can show where the CPU went. */
    public Bench withServerPids(Map<String, Long> pids) {
        serverPids.putAll(pids);
        return this;
    }

    /** Records how the servers ran (e.g. where the broker keeps its log) with the results. */
    public Bench withNote(String key, String value) {
        notes.put(key, value);
        return this;
    }

    /**
     * Runs every workload; returns the results (also written to bench.json and lag.html). With a
     * MySQL or MariaDB source (and target), the table of sql/bench/mysql/employees.sql instead of
     * the demo's, and no backlog workload.
     */
    public Map<String, Object> run() throws Exception {
        Path outDir = options.outDir();
        Files.createDirectories(outDir);
        deleteFiles(outDir, ".jfr", ".log");
        Map<String, Object> results = new LinkedHashMap<>();
        results.put("machine", BenchReport.machine());
        results.put("jvm_options", String.join(" ", options.jvmOptions()));
        results.putAll(notes);
        if (tables > 0) {
            return runManyTables(results);
        }
        boolean mysql = options.source().isMySql();
        say("setup: " + String.join("; ", mysql ? setUpMySql() : Setup.demo(options.source(), options.target())));
        say(Topics.create(options.kafka(), 3, (short) 1));
        CatchUp catchUp;
        try (BenchPipeline pipeline = new BenchPipeline(options, profile)) {
            catchUp = new CatchUp(options.source(), options.target(), pipeline);
            BenchRun run = new BenchRun(options, pipeline, catchUp, serverPids, out);
            pipeline.start();
            results.put("burst", new Burst(run).measure());
            results.put("paced_200", new Paced(run, 200).measure());
            results.put("paced_1000", new Paced(run, 1000).measure());
            if (!mysql) {
                results.put("backlog", new Backlog(run).measure());
            }
            pipeline.stop();
            results.put("write_cost", new WriteCost(run).measure());
            results.put("resources", pipeline.resources());
        }
        if (profile) {
            profile(outDir);
        }
        new BenchReport(results, options).write(catchUp.series(), out);
        return results;
    }

    /** MySQL: the benchmark's table, new, captured into the benchmark's topic (setup's lines). */
    private List<String> setUpMySql() {
        try (Handle h = options.source().open("cdc-bench")) {
            for (String statement : BenchRun.sql(options.source(), "employees").split(";\\s*\\n")) {
                h.execute(statement);
            }
        }
        return Setup.run(options.source(), options.target(), new Setup.Request(TableSelector.of(List.of(TABLE_MYSQL)),
                null, options.kafka().topic(), false, Setup.Roles.NONE, null, null));
    }

    /** The benchmark's table on MySQL (sql/bench/mysql/employees.sql), in database cdc_bench on both sides. */
    public static final String TABLE_MYSQL = "cdc_bench.employees";

    /**
     * The write cost alone ({@link WriteCost}), on the source: what capture costs the application's
     * writes, e.g. on MySQL, where the pipeline's workloads do not run yet. Writes bench.json.
     */
    public Map<String, Object> runWriteCost() throws Exception {
        Files.createDirectories(options.outDir());
        Map<String, Object> results = new LinkedHashMap<>();
        results.put("machine", BenchReport.machine());
        results.putAll(notes);
        results.put("write_cost", new WriteCost(new BenchRun(options, null, null, serverPids, out)).measure());
        Path json = options.outDir().resolve("bench.json");
        Files.writeString(json, dev.cdc.base.Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(results));
        say("results: " + json);
        return results;
    }

    private Map<String, Object> runManyTables(Map<String, Object> results) throws Exception {
        ManyTables many = new ManyTables(options, tables, oneTopic);
        Map<String, Object> r = new LinkedHashMap<>(many.setUp(this::say));
        CatchUp catchUp;
        try (BenchPipeline pipeline = new BenchPipeline(options, profile, List.of())) {
            catchUp = new CatchUp(options.source(), options.target(), pipeline);
            BenchRun run = new BenchRun(options, pipeline, catchUp, serverPids, out);
            pipeline.start();
            r.putAll(many.measure(run));
            pipeline.stop();
            results.put("many_tables", r);
            results.put("resources", pipeline.resources());
        }
        if (profile) {
            profile(options.outDir());
        }
        new BenchReport(results, options).write(catchUp.series(), out);
        return results;
    }

    private void profile(Path outDir) throws IOException {
        StringBuilder p = new StringBuilder();
        try (var files = Files.list(outDir)) {
            for (Path f : files.filter(f -> f.toString().endsWith(".jfr")).sorted().toList()) {
                p.append(f.getFileName()).append(": ").append(JfrSummary.of(f)).append("\n");
            }
        }
        Files.writeString(outDir.resolve("profile.txt"), p.toString());
        say("\nJFR profile (" + outDir.resolve("profile.txt") + "):\n" + p);
    }

    private static void deleteFiles(Path dir, String... suffixes) throws IOException {
        try (var old = Files.list(dir)) {
            for (Path f : old.filter(f -> List.of(suffixes).stream().anyMatch(s -> f.toString().endsWith(s))).toList()) {
                Files.delete(f);
            }
        }
    }

    private void say(String line) {
        out.println(line);
        out.flush();
    }
}
