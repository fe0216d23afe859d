package dev.cdc.bench;

import dev.cdc.db.Db;
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

    void say(String line) {
        out.println(line);
        out.flush();
    }
}
