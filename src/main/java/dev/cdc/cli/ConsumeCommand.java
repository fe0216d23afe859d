package dev.cdc.cli;

import dev.cdc.EventConsumer;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "consume", mixinStandardHelpOptions = true, sortOptions = false,
        exitCodeListHeading = ExitCodes.HEADING,
        exitCodeList = {ExitCodes.STOPPED, ExitCodes.BUG, ExitCodes.USAGE, ExitCodes.PRECONDITION, ExitCodes.UNREACHABLE, ExitCodes.BAD_EVENT},
        header = "Apply the change events to the target, until Ctrl-C or SIGTERM.",
        description = {
            "Reads the topic in a consumer group and applies each batch of events in one target transaction: per row only the last change counts, then one DELETE and one INSERT ... ON CONFLICT statement. The next Kafka offset of every partition is stored in the target (cdc.applied_offsets) in the same transaction, so a crash at any instant neither skips nor repeats a change; replays and duplicates change nothing. A message that is not a valid event stops it (exit 6) with topic, partition and offset. Survives restarts of the database and the broker. Several consumers in one group share the partitions."})
public final class ConsumeCommand implements Callable<Integer> {
    @Mixin Connections.Target target;
    @Mixin Connections.Broker broker;

    @Option(names = "--group", defaultValue = "${env:CDC_GROUP:-cdc-apply}",
            description = "Kafka consumer group (env CDC_GROUP; default ${DEFAULT-VALUE}).")
    String group;

    @Option(names = "--progress-interval", defaultValue = "5", paramLabel = "SECONDS",
            description = "Print a progress line this often; 0 for never (default ${DEFAULT-VALUE} s).")
    long progressSeconds;

    @Override
    public Integer call() {
        EventConsumer c = new EventConsumer(new EventConsumer.Config(target.db(), broker.kafka(), group,
                progressSeconds * 1000));
        c.preflight();
        Loops.runUntilSignal(c, c::stop, c::stop);
        return 0;
    }
}
