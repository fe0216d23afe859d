package dev.cdc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cdc.bench.Bench;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The benchmark runs every workload to the end at a tiny size: each one verifies that the target
 * equals the source, and the results and the plot are written. Timings are not judged here.
 */
class BenchIT extends ServerTest {
    @Test
    void every_workload_runs_and_is_verified() throws Exception {
        Path out = Path.of("target", "bench-it");
        StringWriter text = new StringWriter();
        Bench.Sizes tiny = new Bench.Sizes(2000, 1000, 500, 100, 1, 5000, 2000, 1);
        Map<String, Object> r = new Bench(new Bench.Options(servers.source, servers.target, kafka, tiny, List.of("-Xmx192m"), out),
                new PrintWriter(text)).run();
        for (String k : List.of("burst", "paced_200", "paced_1000", "backlog", "write_cost", "resources")) {
            assertTrue(r.containsKey(k), k + " missing: " + text);
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> paced = (Map<String, Object>) r.get("paced_200");
        assertEquals(paced.get("sent"), ((Number) paced.get("seen")).longValue(), "every paced row reached the target");
        assertTrue(Files.readString(out.resolve("bench.json")).contains("\"backlog\""));
        assertTrue(Files.readString(out.resolve("lag.html")).contains("<polyline"));
    }

    /**
     * {@code cdc bench --mysql} as a user runs it: two MariaDB servers and a broker of its own, the
     * burst and the paced rows verified on the target, then the write cost.
     */
    @Test
    void the_mysql_benchmark_runs_on_mariadb() throws Exception {
        Path out = Path.of("target", "bench-it-mysql");
        CliTest.Run run = CliTest.run("bench", "--mysql", "--scale", "0.02", "--out", out.toString());
        assertEquals(0, run.code(), run.out() + run.err());
        String json = Files.readString(out.resolve("bench.json"));
        for (String k : List.of("\"burst\"", "\"paced_200\"", "\"paced_1000\"", "\"bulk_update\"", "\"single_row_insert_4_clients\"",
                "\"source MariaDB\"")) {
            assertTrue(json.contains(k), k + " missing: " + json);
        }
        assertTrue(run.out().contains("insert 4,000 rows"), run.out());
    }
}
