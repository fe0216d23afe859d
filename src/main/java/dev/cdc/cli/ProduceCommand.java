package dev.cdc.cli;

import dev.cdc.ChangelogPublisher;
import dev.cdc.Failure;
import dev.cdc.Table;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "produce", mixinStandardHelpOptions = true, sortOptions = false,
        exitCodeListHeading = ExitCodes.HEADING,
        exitCodeList = {ExitCodes.STOPPED, ExitCodes.BUG, ExitCodes.USAGE, ExitCodes.PRECONDITION, ExitCodes.UNREACHABLE},
        header = "Publish the changelog to Kafka, until Ctrl-C or SIGTERM.",
        description = {
            "Reads the changelog in commit order, window by window (a window holds the transactions that committed between two snapshots, so a transaction that commits late is never skipped), and publishes one event per change, keyed by primary key, with an idempotent producer (acks=all). The cursor lives in the source (cdc.capture) and moves only after Kafka acknowledged the events; published rows are then removed from the changelog. Wakes on LISTEN/NOTIFY. A second produce for the same table waits as a standby and takes over when the first stops. Survives restarts of the database and the broker. On Ctrl-C it finishes the batch in hand, stores its cursor and exits 0."})
public final class ProduceCommand implements Callable<Integer> {
    @Mixin Connections.Source source;
    @Mixin Connections.Broker broker;

    @Option(names = "--table", defaultValue = "public.employees", description = "Captured table (default ${DEFAULT-VALUE}).")
    String table;

    @Option(names = "--batch-size", defaultValue = "5000",
            description = "Changelog rows read and published per batch (default ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--poll-interval", defaultValue = "1000", paramLabel = "MS",
            description = "Look for changes this often when no notification came (default ${DEFAULT-VALUE} ms).")
    long pollMillis;

    @Option(names = "--progress-interval", defaultValue = "5", paramLabel = "SECONDS",
            description = "Print a progress line this often; 0 for never (default ${DEFAULT-VALUE} s).")
    long progressSeconds;

    @Override
    public Integer call() {
        if (batchSize < 1 || pollMillis < 1) {
            throw Failure.usage("--batch-size and --poll-interval must be positive");
        }
        String[] name = Table.parseName(table);
        ChangelogPublisher p = new ChangelogPublisher(new ChangelogPublisher.Config(source.db(), broker.kafka(),
                name[0], name[1], batchSize, pollMillis, progressSeconds * 1000));
        p.preflight();
        Loops.runUntilSignal(p, p::stop, p::abort);
        return 0;
    }
}
