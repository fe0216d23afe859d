package dev.cdc.cli;

import dev.cdc.base.Failure;
import dev.cdc.demo.Pipeline;
import dev.cdc.demo.Selftest;
import dev.cdc.embedded.Sandbox;
import dev.cdc.kafka.Topics;
import dev.cdc.setup.Setup;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "selftest", mixinStandardHelpOptions = true, sortOptions = false,
        exitCodeListHeading = Failure.Help.HEADING,
        exitCodeList = {Failure.Help.OK, Failure.Help.BUG, Failure.Help.USAGE, Failure.Help.PRECONDITION, Failure.Help.UNREACHABLE, Failure.Help.DIFFERENCE},
        header = "Check insert, update and delete end to end.",
        description = {
            "Inserts a row on the source, waits until the target shows it, updates it, waits, deletes it, waits; prints PASS or FAIL with the time each check took, and removes its row. Exits 0 only if all pass. By default it runs against the configured servers, with produce and consume already running. With --embedded it starts a source and a target PostgreSQL and a Kafka broker on this machine, runs setup, topic, produce and consume itself, and stops everything at the end (no Docker needed)."})
public final class SelftestCommand implements Callable<Integer> {
    @Mixin Connections.Source source;
    @Mixin Connections.Target target;
    @Mixin Connections.Broker broker;
    @Spec CommandSpec spec;

    @Option(names = "--embedded", description = "Start local servers and the whole pipeline for the test.")
    boolean embedded;

    @Option(names = "--timeout", defaultValue = "30", paramLabel = "SECONDS",
            description = "How long each check waits for the target (default ${DEFAULT-VALUE} s).")
    long timeoutSeconds;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        boolean passed;
        if (embedded) {
            out.println("starting a source and a target PostgreSQL and a Kafka broker ...");
            out.flush();
            try (Sandbox s = Sandbox.start(Sandbox.home().resolve("selftest"), 0, 0, 0, false)) {
                Setup.demo(s.source(), s.target());
                var kafka = s.kafka(broker.kafka().topic());
                Topics.create(kafka, 3, (short) 1);
                try (Pipeline p = new Pipeline(s.source(), s.target(), kafka, "cdc-selftest", 0).start()) {
                    passed = new Selftest(s.source(), s.target(), timeoutSeconds * 1000, out).run();
                    p.check();
                }
            }
        } else {
            passed = new Selftest(source.db(), target.db(), timeoutSeconds * 1000, out).run();
        }
        if (!passed) {
            throw Failure.difference("selftest failed" + (embedded ? ""
                    : " (are 'cdc produce' and 'cdc consume' running against these servers?)"));
        }
        out.println("selftest passed");
        return 0;
    }
}
