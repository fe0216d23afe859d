package dev.cdc.bench;

import dev.cdc.db.Db;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;

/**
 * The pipeline under test: {@code cdc produce} and {@code cdc consume} in JVMs of their own, started
 * and stopped between workloads, their peak memory and CPU time over every start, and the two
 * counters that say how far they got (published on the source, applied on the target).
 */
final class BenchPipeline implements AutoCloseable {
    static final String GROUP = "cdc-bench";

    private final Bench.Options options;
    private final boolean profile;
    private final List<String> selection;
    private final List<ChildProcess> processes = new ArrayList<>();
    private final Map<String, double[]> resources = new LinkedHashMap<>(); // role -> {peak RSS MB, CPU s}
    private ChildProcess produce;
    private ChildProcess consume;

    /** What produce and consume are to move: the employees table's topic. */
    BenchPipeline(Bench.Options options, boolean profile) {
        this(options, profile, List.of("--topic", options.kafka().topic()));
    }

    /** {@code selection}: produce's and consume's options that say what they move (none: every captured table). */
    BenchPipeline(Bench.Options options, boolean profile, List<String> selection) {
        this.options = options;
        this.profile = profile;
        this.selection = selection;
    }

    void start() throws IOException {
        Db source = options.source();
        Db target = options.target();
        List<String> src = List.of("--source", source.url(), "--source-user", source.user(),
                "--source-password", source.password());
        List<String> dst = List.of("--target", target.url(), "--target-user", target.user(),
                "--target-password", target.password());
        List<String> broker = List.of("--bootstrap-servers", options.kafka().bootstrapServers());
        produce = ChildProcess.start(jvm("produce"), options.outDir().resolve("produce.log"),
                concat(List.of("produce"), src, broker, selection, List.of("--progress-interval", "5")));
        consume = ChildProcess.start(jvm("consume"), options.outDir().resolve("consume.log"),
                concat(List.of("consume"), dst, broker, selection, List.of("--group", GROUP, "--progress-interval", "5")));
        processes.add(produce);
        processes.add(consume);
    }

    /** Stops both (each must exit 0) and adds their memory and CPU to the resources. */
    void stop() throws InterruptedException {
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

    /** JVM options of a role; with profiling, a flight recording per start. */
    private List<String> jvm(String role) {
        if (!profile) {
            return options.jvmOptions();
        }
        List<String> o = new ArrayList<>(options.jvmOptions());
        o.add("-XX:StartFlightRecording=filename=" + options.outDir().resolve(role + "-" + processes.size() + ".jfr")
                .toAbsolutePath() + ",settings=profile,dumponexit=true");
        return o;
    }

    @SafeVarargs
    private static List<String> concat(List<String>... parts) {
        List<String> all = new ArrayList<>();
        for (List<String> p : parts) {
            all.addAll(p);
        }
        return all;
    }

    /** Throws when produce or consume died. */
    void checkAlive() {
        for (ChildProcess p : List.of(produce, consume)) {
            if (!p.alive()) {
                throw new IllegalStateException("a pipeline process died; see " + p.log());
            }
        }
    }

    /** Reads the processes' memory now (the peak is kept). */
    void sample() {
        produce.sample();
        consume.sample();
    }

    /** The peak RSS so far of produce and consume, in MB. */
    Map<String, Long> peakRssMb() {
        return Map.of("produce", produce.peakRssMb(), "consume", consume.peakRssMb());
    }

    /** CPU seconds so far of produce, consume, the writer (this JVM) and the named server processes. */
    Map<String, Double> cpu(Map<String, Long> serverPids) {
        Map<String, Double> m = new LinkedHashMap<>();
        serverPids.forEach((name, pid) -> m.put(name, name.contains("PostgreSQL") ? CpuTime.ofTree(pid) : CpuTime.of(pid)));
        m.put("produce", CpuTime.ofTree(produce.pid()));
        m.put("consume", CpuTime.ofTree(consume.pid()));
        m.put("writer (bench JVM)", CpuTime.of(ProcessHandle.current().pid()));
        return m;
    }

    /** Per role, the peak RSS and the CPU seconds over every run stopped so far. */
    Map<String, Object> resources() {
        Map<String, Object> r = new LinkedHashMap<>();
        resources.forEach((role, v) -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("peak_rss_mb", (long) v[0]);
            m.put("cpu_s", BenchReport.round(v[1]));
            r.put(role, m);
        });
        return r;
    }

    /** How far the pipeline is now: changes published and applied so far. */
    Mark mark() {
        try (Handle s = options.source().open("cdc-bench"); Handle t = options.target().open("cdc-bench")) {
            return new Mark(published(options.source(), s), applied(options.target(), t));
        }
    }

    /** Changes published so far, read through {@code h}, a handle on {@code source}. */
    static long published(Db source, Handle h) {
        return h.createQuery(BenchRun.sql(source, "published")).mapTo(Long.class).one();
    }

    /** Changes applied so far, read through {@code h}, a handle on {@code target}. */
    static long applied(Db target, Handle h) {
        return h.createQuery(BenchRun.sql(target, "applied")).bind("g", GROUP).mapTo(Long.class).one();
    }

    /** The counters at the start of a workload. */
    record Mark(long published, long applied) {
    }

    @Override
    public void close() {
        processes.forEach(ChildProcess::close);
    }
}
