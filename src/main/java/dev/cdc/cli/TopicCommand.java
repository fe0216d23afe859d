package dev.cdc.cli;

import dev.cdc.Capture;
import dev.cdc.Failure;
import dev.cdc.Table;
import dev.cdc.Pipeline;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "topic", mixinStandardHelpOptions = true, sortOptions = false,
        exitCodeListHeading = ExitCodes.HEADING,
        exitCodeList = {ExitCodes.OK, ExitCodes.BUG, ExitCodes.USAGE, ExitCodes.PRECONDITION, ExitCodes.UNREACHABLE},
        header = "Create (or delete) the Kafka topic of the change events.",
        description = {
            "Creates the topic through the Kafka admin API. If it exists with the same number of partitions and replication factor, that is success; if it exists with another shape, that is an error (exit 3). Events are keyed by primary key, so all changes of a row stay in one partition, in order: do not change the number of partitions of a topic in use."})
public final class TopicCommand implements Callable<Integer> {
    @Mixin Connections.Broker broker;
    @Spec CommandSpec spec;

    @Option(names = "--partitions", defaultValue = "3", description = "Number of partitions (default ${DEFAULT-VALUE}).")
    int partitions;

    @Option(names = "--replication-factor", defaultValue = "1",
            description = "Replicas of each partition (default ${DEFAULT-VALUE}).")
    short replication;

    @Option(names = "--delete", description = "Delete the topic instead (its events are gone for good).")
    boolean delete;

    @Option(names = "--table", paramLabel = "SCHEMA.TABLE",
            description = "The table whose default topic (<schema>.<table>) to create; default: the employees demo's.")
    String table;

    @Override
    public Integer call() {
        if (partitions < 1 || replication < 1) {
            throw Failure.usage("--partitions and --replication-factor must be at least 1");
        }
        String[] name = Table.parseName(table == null ? "public.employees" : table);
        var kafka = broker.kafka(Capture.defaultTopic(name[0], name[1]));
        if (!delete) {
            spec.commandLine().getOut().println(Pipeline.createTopic(kafka, partitions, replication));
            return 0;
        }
        try (Admin admin = kafka.admin()) {
            admin.deleteTopics(List.of(kafka.topic())).all().get(30, TimeUnit.SECONDS);
            spec.commandLine().getOut().println("topic " + kafka.topic() + " deleted");
            return 0;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                throw Failure.precondition("topic '" + kafka.topic() + "' does not exist on Kafka at " + kafka.bootstrapServers());
            }
            throw kafka.unreachable(e.getCause());
        } catch (Exception e) {
            throw kafka.unreachable(e);
        }
    }
}
