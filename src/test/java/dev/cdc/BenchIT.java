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

    /** {@code cdc bench --mysql}: the write cost on MariaDB, its tables and capture removed afterwards. */
    @Test
    void the_write_cost_runs_on_mariadb() throws Exception {
        Path out = Path.of("target", "bench-it-mysql");
        StringWriter text = new StringWriter();
        Bench.Sizes tiny = new Bench.Sizes(1, 1, 1, 1, 1, 1, 2000, 1);
        dev.cdc.db.Db db = mariadb("cdc_bench", "cdc-bench");
        Map<String, Object> r = new Bench(new Bench.Options(db, null, null, tiny, List.of(), out), new PrintWriter(text))
                .runWriteCost();
        @SuppressWarnings("unchecked")
        Map<String, Object> cost = (Map<String, Object>) r.get("write_cost");
        for (String k : List.of("bulk_insert", "bulk_update", "bulk_delete", "single_row_insert_4_clients")) {
            assertTrue(cost.containsKey(k), k + " missing: " + text);
        }
        assertTrue(text.toString().contains("insert 2,000 rows"), text.toString());
        try (org.jdbi.v3.core.Handle h = db.open("cdc-test")) {
            assertEquals(0, h.createQuery("SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'cdc_bench'")
                    .mapTo(Integer.class).one(), "the benchmark's tables dropped");
        }
        assertTrue(Files.readString(out.resolve("bench.json")).contains("\"bulk_update\""));
    }
}
