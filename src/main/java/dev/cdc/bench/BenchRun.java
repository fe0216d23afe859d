package dev.cdc.bench;

import dev.cdc.db.Db;
import dev.cdc.db.Sql;
import java.io.PrintWriter;
import java.util.Map;

/** What every workload of one benchmark run shares: the servers and sizes, the pipeline, the wait, the output. */
record BenchRun(Bench.Options options, BenchPipeline pipeline, CatchUp catchUp, Map<String, Long> serverPids,
                PrintWriter out) {
    Db source() {
        return options.source();
    }

    Db target() {
        return options.target();
    }

    Bench.Sizes sizes() {
        return options.sizes();
    }

    /** CPU seconds so far of every process of the pipeline this machine runs. */
    Map<String, Double> cpu() {
        return pipeline.cpu(serverPids);
    }

    /** One of the benchmark's statements in the words of {@code db}'s engine (sql/bench/, or sql/bench/mysql/). */
    static String sql(Db db, String file, Map<String, String> values) {
        return Sql.render((db.isMySql() ? "bench/mysql/" : "bench/") + file + ".sql", values);
    }

    static String sql(Db db, String file) {
        return sql(db, file, Map.of());
    }

    void say(String line) {
        out.println(line);
        out.flush();
    }
}
