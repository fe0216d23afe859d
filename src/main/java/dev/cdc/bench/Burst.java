package dev.cdc.bench;

import dev.cdc.db.Sql;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
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
        try (Statements st = run.source().isMySql() ? new MySqlStatements(c) : new PgStatements(c)) {
            for (int i = 0; i < sizes.inserts(); i += n) {
                int k = Math.min(n, sizes.inserts() - i);
                ids.addAll(st.insert(i, k));
                c.commit();
                written.addAndGet(k);
            }
            for (int i = 0; i < sizes.updates(); i += n) {
                int k = Math.min(n, sizes.updates() - i);
                written.addAndGet(st.update(CITIES[rnd.nextInt(CITIES.length)], sample(ids, k, rnd)));
                c.commit();
            }
            List<Integer> doomed = sample(ids, Math.min(sizes.deletes(), ids.size()), rnd);
            for (int i = 0; i < doomed.size(); i += n) {
                written.addAndGet(st.delete(doomed.subList(i, Math.min(doomed.size(), i + n))));
                c.commit();
            }
        }
    }

    /** The burst's statements in one engine's words; each returns the rows it wrote, or their ids. */
    private interface Statements extends AutoCloseable {
        /** Inserts rows number {@code from} to {@code from + count - 1}; returns their ids. */
        List<Integer> insert(int from, int count) throws SQLException;

        int update(String city, List<Integer> ids) throws SQLException;

        int delete(List<Integer> ids) throws SQLException;

        @Override
        void close() throws SQLException;
    }

    /** PostgreSQL: the rows made by generate_series, ids from the table's serial, chosen rows as arrays. */
    private static final class PgStatements implements Statements {
        private final Connection c;
        private final PreparedStatement ins;
        private final PreparedStatement upd;
        private final PreparedStatement del;

        PgStatements(Connection c) throws SQLException {
            this.c = c;
            this.ins = c.prepareStatement(Sql.load("bench/burst_insert.sql"));
            this.upd = c.prepareStatement(Sql.load("bench/burst_update.sql"));
            this.del = c.prepareStatement(Sql.load("bench/burst_delete.sql"));
            ins.setArray(1, c.createArrayOf("text", CITIES));
        }

        @Override
        public List<Integer> insert(int from, int count) throws SQLException {
            List<Integer> ids = new ArrayList<>(count);
            ins.setInt(2, from);
            ins.setInt(3, from + count - 1);
            try (ResultSet rs = ins.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getInt(1));
                }
            }
            return ids;
        }

        @Override
        public int update(String city, List<Integer> ids) throws SQLException {
            upd.setString(1, city);
            upd.setArray(2, c.createArrayOf("integer", ids.toArray()));
            return upd.executeUpdate();
        }

        @Override
        public int delete(List<Integer> ids) throws SQLException {
            del.setArray(1, c.createArrayOf("integer", ids.toArray()));
            return del.executeUpdate();
        }

        @Override
        public void close() throws SQLException {
            ins.close();
            upd.close();
            del.close();
        }
    }

    /**
     * MySQL and MariaDB: no arrays and no INSERT ... RETURNING, so the rows are a multi-row VALUES
     * list with the ids given (row number + 1, as the serial gives them on PostgreSQL), and the
     * chosen rows an IN list of those ids, numbers written into the statement.
     */
    private static final class MySqlStatements implements Statements {
        private static final LocalDate DOB_FROM = LocalDate.of(1950, 1, 1);
        private final Connection c;

        MySqlStatements(Connection c) {
            this.c = c;
        }

        @Override
        public List<Integer> insert(int from, int count) throws SQLException {
            List<Integer> ids = new ArrayList<>(count);
            String rows = String.join(", ", Collections.nCopies(count, "(?, ?, ?, ?, ?, ?)"));
            try (PreparedStatement ins = c.prepareStatement(Sql.render("bench/mysql/burst_insert.sql", Map.of("rows", rows)))) {
                int p = 1;
                for (int g = from; g < from + count; g++) {
                    ins.setInt(p++, g + 1);
                    ins.setString(p++, "First" + g);
                    ins.setString(p++, "Last" + g);
                    ins.setObject(p++, DOB_FROM.plusDays(g * 7L % 18000));
                    ins.setString(p++, CITIES[g % CITIES.length]);
                    ins.setBigDecimal(p++, BigDecimal.valueOf(30000 + g % 170000));
                    ids.add(g + 1);
                }
                ins.executeUpdate();
            }
            return ids;
        }

        @Override
        public int update(String city, List<Integer> ids) throws SQLException {
            try (PreparedStatement upd = c.prepareStatement(Sql.render("bench/mysql/burst_update.sql", Map.of("ids", list(ids))))) {
                upd.setString(1, city);
                return upd.executeUpdate();
            }
        }

        @Override
        public int delete(List<Integer> ids) throws SQLException {
            try (PreparedStatement del = c.prepareStatement(Sql.render("bench/mysql/burst_delete.sql", Map.of("ids", list(ids))))) {
                return del.executeUpdate();
            }
        }

        @Override
        public void close() {
        }
    }

    /** Ids as an SQL list: "1, 2, 3". */
    static String list(List<? extends Number> ids) {
        return ids.stream().map(String::valueOf).collect(java.util.stream.Collectors.joining(", "));
    }

    private static List<Integer> sample(List<Integer> ids, int k, Random rnd) {
        List<Integer> copy = new ArrayList<>(ids);
        Collections.shuffle(copy, rnd);
        return new ArrayList<>(copy.subList(0, Math.min(k, copy.size())));
    }
}
