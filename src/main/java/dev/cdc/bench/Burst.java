package dev.cdc.bench;

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
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The burst: inserts, then updates, then deletes in transactions of a fixed number of rows from one
 * client, as fast as it can write; the time until the target equals the source, and the CPU every
 * process spent meanwhile.
 */
final class Burst {
    private static final String[] CITIES = {"Boston", "Austin", "Zürich", "São Paulo", "Kraków", "東京", "O'Fallon"};

    private final BenchRun run;
    private final Bench.Sizes sizes;

    Burst(BenchRun run) {
        this.run = run;
        this.sizes = run.sizes();
    }

    Map<String, Object> measure() throws Exception {
        run.say(String.format("burst: %,d inserts, %,d updates, %,d deletes in %d-row transactions ...",
                sizes.inserts(), sizes.updates(), sizes.deletes(), sizes.txnRows()));
        BenchPipeline.Mark from = run.pipeline().mark();
        AtomicLong written = new AtomicLong();
        Map<String, Double> cpuBefore = run.cpu();
        long t0 = System.nanoTime();
        double[] writeSeconds = new double[1];
        run.catchUp().writerFailed(null);
        Thread writer = new Thread(() -> {
            try (Connection c = run.source().connect("cdc-bench-burst")) {
                write(c, written);
                writeSeconds[0] = (System.nanoTime() - t0) / 1e9;
            } catch (SQLException | RuntimeException e) {
                run.catchUp().writerFailed(e);
            }
        });
        writer.start();
        long expected = (long) sizes.inserts() + sizes.updates() + sizes.deletes();
        double total = run.catchUp().await(from, t0, expected, written, "burst");
        writer.join();
        Map<String, Double> cpuAfter = run.cpu();
        run.catchUp().verify("burst");
        return report(expected, writeSeconds[0], total, cpuBefore, cpuAfter);
    }

    private Map<String, Object> report(long expected, double writeSeconds, double total, Map<String, Double> cpuBefore,
                                       Map<String, Double> cpuAfter) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("changes", expected);
        r.put("write_s", BenchReport.round(writeSeconds));
        r.put("caught_up_after_write_s", BenchReport.round(Math.max(0, total - writeSeconds)));
        r.put("total_s", BenchReport.round(total));
        r.put("changes_per_s", Math.round(expected / total));
        Map<String, Object> cpu = new LinkedHashMap<>();
        cpuAfter.forEach((k, v) -> cpu.put(k, BenchReport.round(v - cpuBefore.get(k))));
        r.put("cpu_s", cpu);
        int cores = Runtime.getRuntime().availableProcessors();
        r.put("cpu_available_s", BenchReport.round(total * cores));
        run.say(String.format("  %,.0f changes/s end to end; target equal %.2f s after the writers finished", expected / total,
                Math.max(0, total - writeSeconds)));
        run.say(String.format("  CPU seconds in those %.1f s (%d cores: %.1f s available): %s", total, cores, total * cores, cpu));
        return r;
    }

    private void write(Connection c, AtomicLong written) throws SQLException {
        Random rnd = new Random(42);
        c.setAutoCommit(false);
        List<Integer> ids = new ArrayList<>();
        int n = sizes.txnRows();
        try (PreparedStatement ins = c.prepareStatement(Sql.load("bench/burst_insert.sql"));
             PreparedStatement upd = c.prepareStatement(Sql.load("bench/burst_update.sql"));
             PreparedStatement del = c.prepareStatement(Sql.load("bench/burst_delete.sql"))) {
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
}
