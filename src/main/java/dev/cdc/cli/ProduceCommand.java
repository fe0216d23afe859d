package dev.cdc.cli;

import dev.cdc.base.Failure;
import dev.cdc.db.Db;
import dev.cdc.engine.Engines;
import dev.cdc.kafka.SharedProducer;
import dev.cdc.base.Loop;
import dev.cdc.event.SourceName;
import dev.cdc.source.Capture;
import dev.cdc.source.Captures;
import dev.cdc.source.ChangelogPublisher;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.jdbi.v3.core.Handle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "produce", mixinStandardHelpOptions = true, sortOptions = false,
        exitCodeListHeading = Failure.Help.HEADING,
        exitCodeList = {Failure.Help.STOPPED, Failure.Help.BUG, Failure.Help.USAGE, Failure.Help.PRECONDITION, Failure.Help.UNREACHABLE},
        header = "Publish the changelog to Kafka, until Ctrl-C or SIGTERM.",
        description = {
            "Reads the changelog in commit order, window by window (a window holds the transactions that committed between two snapshots, so a transaction that commits late is never skipped), and publishes one event per change to the table's topic, keyed by primary key, with an idempotent producer (acks=all). The cursor lives in the source (cdc.capture) and moves only after Kafka acknowledged the events; published rows are then removed from the changelog (or kept for --retain), and the changelog is vacuumed every few seconds so that it stays a few pages long under constant load. Wakes on LISTEN/NOTIFY. Every captured table is published, or those named with --table or --schema; the tables share at most --connections source connections, taking turns (a busy table cannot hold up the others, an idle one costs a look every --poll-interval). A second produce for the same table waits as a standby and takes over when the first stops. Survives restarts of the database and the broker. On Ctrl-C it finishes the batch in hand, stores its cursor and exits 0."})
public final class ProduceCommand implements Callable<Integer> {
    @Mixin Connections.Source source;
    @Mixin Connections.Broker broker;
    @Mixin MetricsOption metrics;

    @Mixin Selection selection;

    @Option(names = "--batch-size", defaultValue = "5000",
            description = "Events read and published per batch, per table (default ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--connections", defaultValue = "1", paramLabel = "N",
            description = "Source connections at most (default ${DEFAULT-VALUE}): the tables share them, each connection "
                    + "publishing its tables in rounds; one Kafka producer serves them all. One connection costs the "
                    + "source the least (a round reads every table with changes, and its statements serve them all) "
                    + "and carried ~70,000 changes/s here; more only when its reads cannot keep up.")
    int connections;

    @Option(names = "--poll-interval", defaultValue = "1000", paramLabel = "MS",
            description = "Look for changes this often when no notification came (default ${DEFAULT-VALUE} ms).")
    long pollMillis;

    @Option(names = "--progress-interval", defaultValue = "5", paramLabel = "SECONDS",
            description = "Print a progress line this often; 0 for never (default ${DEFAULT-VALUE} s).")
    long progressSeconds;

    @Option(names = "--retain", defaultValue = "0", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Keep published changelog rows this long (e.g. 30m, 2h, 7d) in the changelog's _retained table, "
                    + "for audit or to publish again by hand; 0 (default) deletes them as soon as Kafka has them.")
    java.time.Duration retain;

    @Option(names = "--source-name", defaultValue = "${env:CDC_SOURCE_NAME}", paramLabel = "NAME",
            description = "Name this source in every event (letters, digits, '.', '_', '-'; env CDC_SOURCE_NAME), so that "
                    + "several sources can feed one topic or one consolidated table (cdc consume --consolidate-into).")
    String sourceName;

    @Option(names = "--accept-partitions", paramLabel = "N",
            description = "The topic's partitions were changed to N: key events for N from now on. Produce refuses to publish "
                    + "after the number changed, since a row's changes could then be applied out of order; let cdc consume "
                    + "apply everything published before (cdc status: LAG 0), then start produce once with this option.")
    Integer acceptPartitions;

    @Override
    public Integer call() {
        Loop loop = prepare();
        metrics.serve();
        Loops.runUntilSignal(loop::run, loop::stop, loop::abort);
        return 0;
    }

    /** Checks the options, the source and the topics, and returns the publishing loop, not yet started. */
    Loop prepare() {
        if (batchSize < 1 || pollMillis < 1 || connections < 1) {
            throw Failure.usage("--batch-size, --poll-interval and --connections must be positive");
        }
        if (sourceName != null) {
            SourceName.require(sourceName, "--source-name");
        }
        Db db = source.db();
        List<Capture> captures = new ArrayList<>();
        try (Handle h = db.open("cdc-produce")) {
            Captures installed = Engines.source(db).captures();
            captures.addAll(installed.select(h, db, selection.selector()));
        }
        if (captures.isEmpty()) {
            throw Failure.precondition("no table is captured on the " + db.where() + " (run: cdc setup)");
        }
        if (broker.explicitTopic() != null && captures.size() > 1) {
            throw Failure.usage("--topic names the topic of one table, and " + captures.size()
                    + " tables are captured; add --table, or leave out --topic (each table has its topic)");
        }
        List<List<ChangelogPublisher.Config>> shares = new ArrayList<>();
        for (int i = 0; i < captures.size(); i++) { // the tables dealt out to the connections
            if (i < connections) {
                shares.add(new ArrayList<>());
            }
            Capture c = captures.get(i);
            shares.get(i % connections).add(new ChangelogPublisher.Config(db, broker.kafka(c.topic()), c.table().schema(),
                    c.table().name(), batchSize, pollMillis, progressSeconds * 1000, retain,
                    sourceName != null ? sourceName : c.origin())); // a two-way side is named at setup
        }
        List<ChangelogPublisher> publishers = new ArrayList<>();
        SharedProducer producer = ChangelogPublisher.producerFor(shares.stream().flatMap(List::stream).toList());
        for (List<ChangelogPublisher.Config> share : shares) {
            ChangelogPublisher p = new ChangelogPublisher(Engines.source(db), share, producer);
            p.preflight();
            if (acceptPartitions != null) {
                p.acceptPartitions(acceptPartitions);
            }
            publishers.add(p);
        }
        Together<ChangelogPublisher> all = new Together<>(publishers, ChangelogPublisher::stop);
        return new Loop() {
            @Override
            public void run() {
                try (producer) {
                    all.run();
                }
            }

            @Override
            public void stop() {
                all.stop();
            }

            @Override
            public void abort() {
                all.each(ChangelogPublisher::abort);
            }
        };
    }
}
