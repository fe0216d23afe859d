package dev.cdc.cli;

import dev.cdc.base.Failure;
import dev.cdc.db.Sql;
import dev.cdc.db.Table;
import dev.cdc.demo.Pipeline;
import dev.cdc.demo.Workload;
import dev.cdc.embedded.Sandbox;
import dev.cdc.engine.Engines;
import dev.cdc.kafka.Topics;
import dev.cdc.ops.Compare;
import dev.cdc.setup.Setup;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.jdbi.v3.core.Handle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "demo", mixinStandardHelpOptions = true, sortOptions = false,
        exitCodeListHeading = Failure.Help.HEADING,
        exitCodeList = {Failure.Help.OK, Failure.Help.BUG, Failure.Help.USAGE, Failure.Help.PRECONDITION, Failure.Help.DIFFERENCE},
        header = "Watch it work: local servers, a stream of changes, both sides catching up, a verification.",
        description = {
            "Starts a source and a target PostgreSQL and a Kafka broker on this machine (no Docker), runs setup, topic, produce and consume, drives inserts, updates and deletes into the source's employees table from several writers, prints both sides every second, and ends by checking that source and target are identical, row by row. Exits 0 when they are, 5 when not. Everything is removed at the end."})
public final class DemoCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--seconds", defaultValue = "15", description = "How long the writers write (default ${DEFAULT-VALUE}).")
    int seconds;

    @Option(names = "--rate", defaultValue = "2000", description = "Changes per second, all writers together (default ${DEFAULT-VALUE}).")
    int rate;

    @Option(names = "--writers", defaultValue = "4", description = "Concurrent writers (default ${DEFAULT-VALUE}).")
    int writers;

    @Override
    public Integer call() throws Exception {
        if (seconds < 1 || rate < 1 || writers < 1) {
            throw Failure.usage("--seconds, --rate and --writers must be positive");
        }
        PrintWriter out = spec.commandLine().getOut();
        out.println("Starting a source PostgreSQL, a target PostgreSQL and a Kafka broker on this machine ...");
        out.flush();
        long t0 = System.nanoTime();
        try (Sandbox s = Sandbox.start(Sandbox.home().resolve("demo"), 0, 0, 0, true)) {
            out.printf("  source  %s%n  target  %s%n  kafka   %s   (ready in %.1f s)%n%n", s.source().url(),
                    s.target().url(), s.kafka("employee_cdc").bootstrapServers(), (System.nanoTime() - t0) / 1e9);
            Setup.demo(s.source(), s.target()).forEach(l -> out.println("  " + l));
            var kafka = s.kafka("employee_cdc");
            out.println("  " + Topics.create(kafka, 3, (short) 1));
            out.printf("%nWriting about %,d changes/s from %d writers for %d s; produce and consume are running.%n%n",
                    rate, writers, seconds);
            out.println("  time   written   published   applied   source rows   target rows");
            out.flush();
            try (Pipeline p = new Pipeline(s.source(), s.target(), kafka, "cdc-demo", 0).start();
                 Handle src = s.source().open("cdc-demo"); Handle dst = s.target().open("cdc-demo")) {
                Counts counts = new Counts(p, src, dst);
                long start = System.nanoTime();
                Workload w = new Workload(s.source(), writers, rate).start();
                int tick = 0;
                try {
                    while (System.nanoTime() - start < seconds * 1_000_000_000L) {
                        Thread.sleep(1000);
                        p.check();
                        w.check();
                        counts.line(out, ++tick + "s", w.changes());
                    }
                } finally {
                    w.close();
                }
                out.printf("%nWriters stopped after %,d changes. Waiting for the target to catch up ...%n", w.changes());
                long stop = System.nanoTime();
                long deadline = stop + 120_000_000_000L;
                while (p.published() < w.changes() || p.applied() < p.published()) {
                    if (System.nanoTime() > deadline) {
                        break;
                    }
                    Thread.sleep(100);
                    p.check();
                }
                counts.line(out, "end", w.changes());
                out.printf("%nCaught up %.2f s after the writers stopped.%n", (System.nanoTime() - stop) / 1e9);
                Table employees = Engines.catalog(s.source()).find(src, "public", "employees").orElseThrow();
                Compare c = Compare.of(s.source(), s.target(), employees);
                out.println("Verification, row by row: " + c);
                out.flush();
                if (!c.identical()) {
                    throw Failure.difference("the target differs from the source");
                }
            }
        }
        return 0;
    }

    /** The demo's progress line: changes written, published and applied, and the rows on each side. */
    private record Counts(Pipeline p, Handle src, Handle dst) {
        void line(PrintWriter out, String when, long written) {
            out.printf("  %-5s %,9d   %,9d   %,7d   %,11d   %,11d%n", when, written, p.published(), p.applied(),
                    count(src), count(dst));
            out.flush();
        }

        private static long count(Handle h) {
            return h.createQuery(Sql.load("demo/count.sql")).mapTo(Long.class).one();
        }
    }
}
