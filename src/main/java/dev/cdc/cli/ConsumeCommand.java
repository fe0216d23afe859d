package dev.cdc.cli;

import dev.cdc.Db;
import dev.cdc.EventConsumer;
import dev.cdc.Failure;
import dev.cdc.Table;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.jdbi.v3.core.Handle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "consume", mixinStandardHelpOptions = true, sortOptions = false,
        exitCodeListHeading = ExitCodes.HEADING,
        exitCodeList = {ExitCodes.STOPPED, ExitCodes.BUG, ExitCodes.USAGE, ExitCodes.PRECONDITION, ExitCodes.UNREACHABLE, ExitCodes.BAD_EVENT},
        header = "Apply the change events to the target, until Ctrl-C or SIGTERM.",
        description = {
            "Reads the topics of the captured tables (as cdc setup recorded them on the target, or --table, or --topic) in a consumer group and applies each batch of events in one target transaction: per row only the last change counts, then one DELETE and one INSERT ... ON CONFLICT statement. The next Kafka offset of every partition is stored in the target (cdc.applied_offsets) in the same transaction, so a crash at any instant neither skips nor repeats a change; replays and duplicates change nothing. A message that is not a valid event, or an event the target rejects, stops it (exit 6) with topic, partition, offset and reason, or with --on-error dlq goes to a dead-letter topic. Survives restarts of the database and the broker. Several consumers in one group share the partitions."})
public final class ConsumeCommand implements Callable<Integer> {
    @Mixin Connections.Target target;
    @Mixin Connections.Broker broker;
    @Mixin MetricsOption metrics;

    @Option(names = "--group", defaultValue = "${env:CDC_GROUP:-cdc-apply}",
            description = "Kafka consumer group (env CDC_GROUP; default ${DEFAULT-VALUE}).")
    String group;

    @Option(names = "--progress-interval", defaultValue = "5", paramLabel = "SECONDS",
            description = "Print a progress line this often; 0 for never (default ${DEFAULT-VALUE} s).")
    long progressSeconds;

    /** What to do with an event that is invalid or that the target rejects. */
    enum OnError { fail, dlq }

    @Option(names = "--on-error", defaultValue = "${env:CDC_ON_ERROR:-fail}", paramLabel = "fail|dlq",
            description = "An event that is not valid or that the target rejects: fail stops consume (exit 6) with "
                    + "topic, partition, offset and reason; dlq sends it unchanged to the dead-letter topic, with "
                    + "the reason and where it came from in headers (cdc.error, cdc.topic, cdc.partition, cdc.offset, "
                    + "cdc.group), and goes on (env CDC_ON_ERROR; default ${DEFAULT-VALUE}).")
    OnError onError;

    @Option(names = "--dlq-topic", paramLabel = "NAME",
            description = "Dead-letter topic for --on-error dlq (default <topic>.dlq; created with one partition when missing).")
    String dlqTopic;

    @Option(names = "--table", split = ",", paramLabel = "SCHEMA.TABLE",
            description = "Apply only the topics of these tables (repeatable, or comma-separated; default: every topic cdc setup recorded on the target).")
    List<String> tables = new ArrayList<>();

    @Override
    public Integer call() {
        Db db = target.db();
        List<String> topics;
        if (broker.explicitTopic() != null) {
            if (!tables.isEmpty()) {
                throw Failure.usage("give --table or --topic, not both");
            }
            topics = List.of(broker.explicitTopic());
        } else {
            try (Handle h = db.open("cdc-consume")) {
                topics = EventConsumer.subscriptions(h, db, tables.stream().map(Table::parseName).toList());
            }
        }
        List<EventConsumer> consumers = new ArrayList<>();
        for (String topic : topics) {
            String deadLetters = onError == OnError.fail ? null : dlqTopic != null ? dlqTopic : topic + ".dlq";
            EventConsumer c = new EventConsumer(new EventConsumer.Config(db, broker.kafka(topic), group,
                    progressSeconds * 1000, deadLetters));
            c.preflight();
            consumers.add(c);
        }
        Together<EventConsumer> all = new Together<>(consumers, EventConsumer::stop);
        metrics.serve();
        Loops.runUntilSignal(all, all::stop, all::stop);
        return 0;
    }
}
