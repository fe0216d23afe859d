package dev.cdc.bench;

import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.cdc.base.Json;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The benchmark's results as bench.json, as the lag plot (lag.html) and as the table it prints. */
final class BenchReport {
    private final Map<String, Object> results;
    private final Bench.Options options;

    BenchReport(Map<String, Object> results, Bench.Options options) {
        this.results = results;
        this.options = options;
    }

    void write(Map<String, List<double[]>> lagSeries, PrintWriter out) throws IOException {
        Path dir = options.outDir();
        Files.writeString(dir.resolve("bench.json"), Json.MAPPER.writer(new DefaultPrettyPrinter())
                .without(SerializationFeature.FAIL_ON_EMPTY_BEANS).writeValueAsString(results));
        Files.writeString(dir.resolve("lag.html"), LagPlot.html(lagSeries, machine()));
        out.println();
        out.println(table());
        out.println("results: " + dir.resolve("bench.json") + "   lag plot: " + dir.resolve("lag.html"));
        out.flush();
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> section(String name) {
        return (Map<String, Object>) results.get(name);
    }

    private String table() {
        StringBuilder b = new StringBuilder();
        if (results.containsKey("many_tables")) {
            manyTables(b);
            resources(b);
            return b.toString();
        }
        Map<String, Object> burst = section("burst");
        Map<String, Object> backlog = section("backlog");
        b.append(String.format("%-44s %s%n", "workload", "result"));
        b.append(String.format("%-44s %,d changes/s; target equal %s s after the writers%n",
                "burst (" + burst.get("changes") + " changes)", burst.get("changes_per_s"), burst.get("caught_up_after_write_s")));
        b.append(String.format("%-44s %s of %s available%n", "  CPU seconds during the burst", burst.get("cpu_s"),
                burst.get("cpu_available_s")));
        for (String k : List.of("paced_200", "paced_1000")) {
            Map<String, Object> p = section(k);
            b.append(String.format("%-44s p50 %s  p95 %s  p99 %s  max %s ms%n", "paced " + p.get("rate") + "/s latency",
                    p.get("p50_ms"), p.get("p95_ms"), p.get("p99_ms"), p.get("max_ms")));
        }
        if (backlog != null) {
            b.append(String.format("%-44s %,d changes/s (%s s)%n", "backlog drain (" + backlog.get("changes") + " changes)",
                    backlog.get("changes_per_s"), backlog.get("drain_s")));
        }
        writeCost(b);
        resources(b);
        return b.toString();
    }

    private void resources(StringBuilder b) {
        section("resources").forEach((role, v) -> {
            @SuppressWarnings("unchecked")
            Map<String, Object> m = (Map<String, Object>) v;
            b.append(String.format("%-44s peak RSS %s MB, CPU %s s%n", role + " (" + String.join(" ", options.jvmOptions()) + ")",
                    m.get("peak_rss_mb"), m.get("cpu_s")));
        });
    }

    @SuppressWarnings("unchecked")
    private void manyTables(StringBuilder b) {
        Map<String, Object> m = section("many_tables");
        Map<String, Object> idle = (Map<String, Object>) m.get("idle");
        Map<String, Object> one = (Map<String, Object>) m.get("paced_200_one_table");
        Map<String, Object> many = (Map<String, Object>) m.get("paced_200_random_tables");
        b.append(String.format("%-44s %s%n", "workload", "result"));
        b.append(String.format("%-44s setup %s s, topics %s s%n", m.get("tables") + " tables", m.get("setup_s"), m.get("topics_s")));
        b.append(String.format("%-44s %s%n", "idle", idle));
        b.append(String.format("%-44s p50 %s  p99 %s ms%n", "paced 200/s, one table", one.get("p50_ms"), one.get("p99_ms")));
        b.append(String.format("%-44s p50 %s  p99 %s ms (p99 %sx one table's)%n", "paced 200/s, random tables",
                many.get("p50_ms"), many.get("p99_ms"), m.get("paced_p99_ratio")));
        int pairs = ((List<?>) m.get("burst_ratios")).size();
        b.append(String.format("%-44s %,d changes/s (median of %d)%n", "burst, one table", m.get("burst_one_table_per_s"), pairs));
        b.append(String.format("%-44s %,d changes/s (median of %d); %sx one table's (median of the pairs' %s)%n",
                "burst, 100 tables", m.get("burst_many_tables_per_s"), pairs, m.get("burst_ratio"), m.get("burst_ratios")));
    }

    @SuppressWarnings("unchecked")
    private void writeCost(StringBuilder b) {
        Map<String, Object> cost = section("write_cost");
        for (String op : List.of("insert", "update", "delete")) {
            Map<String, Object> m = (Map<String, Object>) cost.get("bulk_" + op);
            b.append(String.format("%-44s %sx (%s s vs %s s)%n", "write cost, " + options.sizes().writeCostRows() + "-row " + op,
                    m.get("ratio"), m.get("captured_s"), m.get("plain_s")));
        }
        Map<String, Object> tps = (Map<String, Object>) cost.get("single_row_insert_4_clients");
        b.append(String.format("%-44s %s of %s tps (%.0f%%)", "write cost, 1-row insert txns, 4 clients",
                tps.get("captured_tps"), tps.get("plain_tps"), 100 * ((Number) tps.get("ratio")).doubleValue()));
        if (tps.containsKey("captured_with_notify_tps")) { // PostgreSQL's wake-up
            b.append(String.format("; %s (%.0f%%) with NOTIFY", tps.get("captured_with_notify_tps"),
                    100 * ((Number) tps.get("ratio_with_notify")).doubleValue()));
        }
        b.append(String.format("%n"));
    }

    /** The machine the figures come from. */
    static Map<String, Object> machine() {
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

    /** Three decimals. */
    static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }
}
