package dev.cdc.cli;

import dev.cdc.base.Failure;
import dev.cdc.db.Db;
import dev.cdc.db.TableSelector;
import dev.cdc.engine.Engines;
import java.util.List;
import dev.cdc.kafka.Topics;
import dev.cdc.source.Capture;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "topic", mixinStandardHelpOptions = true, sortOptions = false,
        exitCodeListHeading = Failure.Help.HEADING,
        exitCodeList = {Failure.Help.OK, Failure.Help.BUG, Failure.Help.USAGE, Failure.Help.PRECONDITION, Failure.Help.UNREACHABLE},
        header = "Create, list, describe, alter or delete Kafka topics.",
        description = {
            "Without a subcommand: creates the topic of every captured table (as cdc setup recorded it, read from the source; tables that share a topic share it), of the tables named with --table or --schema (a table not captured yet: its default topic), or --topic, through the Kafka admin API, as 'cdc topic create' does. If it exists with the same number of partitions and replication factor, that is success; with another shape, an error (exit 3). Events are keyed by primary key, so all changes of a row stay in one partition, in order: do not change the number of partitions of a topic in use."},
        subcommands = {TopicCommand.Create.class, TopicCommand.ListTopics.class, TopicCommand.Describe.class,
            TopicCommand.Alter.class, TopicCommand.Delete.class})
public final class TopicCommand implements Callable<Integer> {
    @Mixin Connections.Broker broker;
    @Mixin Shape shape;
    @Spec CommandSpec spec;

    @Option(names = "--delete", description = "Delete the topic instead (its events are gone for good); same as 'cdc topic delete'.")
    boolean delete;

    @Mixin Connections.Source source;
    @Mixin Selection selection;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        List<String> topics = topics();
        if (topics.isEmpty()) {
            throw Failure.precondition("no table is captured on the source (run: cdc setup)");
        }
        if (!delete) { // in one request: a thousand topics take seconds, not minutes
            Topics.create(broker.named(topics.get(0)), topics, shape.partitions, shape.replication()).forEach(out::println);
            return 0;
        }
        for (String topic : topics) {
            delete(broker.named(topic), out);
            out.flush();
        }
        return 0;
    }

    /**
     * The topics to work on: --topic; else those cdc setup recorded for the captured tables the
     * selection picks (all of them when none is named; a table named exactly and not captured yet has
     * its default topic), each once (tables may share one).
     */
    private List<String> topics() {
        if (broker.explicitTopic() != null) {
            return List.of(broker.explicitTopic());
        }
        TableSelector selector = selection.selector();
        Db db = source.db();
        var captures = Engines.source(db).captures();
        if (!selector.isEmpty() && selector.exact()) {
            return db.run("topic", h -> selector.resolve(List.of()).stream().map(n -> captures.find(h, n.schema(), n.name())
                    .map(Capture::topic).orElse(Capture.defaultTopic(n.schema(), n.name()))).distinct().toList());
        }
        return db.run("topic", h -> captures.select(h, db, selector).stream().map(Capture::topic).distinct().toList());
    }

    private static void delete(dev.cdc.kafka.Kafka kafka, PrintWriter out) {
        Topics.delete(kafka);
        out.println("topic " + kafka.topic() + " deleted");
    }

    /** The broker and the topic a subcommand works on. */
    static final class Named {
        @Mixin Connections.Broker broker;

        @Parameters(paramLabel = "NAME", description = "The topic.")
        String name;

        dev.cdc.kafka.Kafka kafka() {
            return broker.named(name);
        }
    }

    /** The shape of a topic to create. */
    static final class Shape {
        @Option(names = "--partitions", defaultValue = "3", description = "Number of partitions (default ${DEFAULT-VALUE}).")
        int partitions;

        @Option(names = "--replication-factor",
                description = "Replicas of each partition (default: 3, or the number of brokers when fewer; with 3 or more, "
                        + "min.insync.replicas=2, so that a broker lost loses nothing).")
        Short replication;

        /** The replication factor asked for; null: the default. */
        Short replication() {
            if (partitions < 1 || replication != null && replication < 1) {
                throw Failure.usage("--partitions and --replication-factor must be at least 1");
            }
            return replication;
        }
    }

    @Command(name = "create", mixinStandardHelpOptions = true, sortOptions = false,
            header = "Create a topic (success if it exists with the same shape, exit 3 if with another).")
    static final class Create implements Callable<Integer> {
        @Mixin Connections.Broker broker;
        @Mixin Shape shape;
        @Spec CommandSpec spec;

        @Parameters(paramLabel = "NAME", arity = "0..1", description = "The topic (default: the demo's, employee_cdc).")
        String name;

        @Override
        public Integer call() {
            var kafka = name == null ? broker.kafka() : broker.named(name);
            spec.commandLine().getOut().println(Topics.create(kafka, shape.partitions, shape.replication()));
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, sortOptions = false,
            header = "List the topics on the cluster, one per line.")
    static final class ListTopics implements Callable<Integer> {
        @Mixin Connections.Broker broker;
        @Spec CommandSpec spec;

        @Option(names = "--internal", description = "Also list Kafka's internal topics (__consumer_offsets, ...).")
        boolean internal;

        @Override
        public Integer call() {
            Topics.list(broker.kafka(), internal).forEach(spec.commandLine().getOut()::println);
            return 0;
        }
    }

    @Command(name = "describe", mixinStandardHelpOptions = true, sortOptions = false,
            header = "Show a topic's partitions (leader, replicas, in-sync replicas) and settings.")
    static final class Describe implements Callable<Integer> {
        @Mixin Named topic;
        @Spec CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            Topics.describe(topic.kafka()).lines().forEach(out::println);
            return 0;
        }
    }

    @Command(name = "alter", mixinStandardHelpOptions = true, sortOptions = false,
            header = "Change a topic's retention (or any topic setting).")
    static final class Alter implements Callable<Integer> {
        @Mixin Named topic;
        @Spec CommandSpec spec;

        @Option(names = "--retention-ms", paramLabel = "MS",
                description = "Keep events this long (retention.ms; -1: forever). Keep them longer than consume may be stopped.")
        Long retentionMs;

        @Option(names = "--retention-bytes", paramLabel = "BYTES",
                description = "Keep at most this many bytes per partition (retention.bytes; -1: no limit).")
        Long retentionBytes;

        @Option(names = "--config", paramLabel = "KEY=VALUE", description = "Any other topic setting (repeatable).")
        Map<String, String> other = new LinkedHashMap<>();

        @Override
        public Integer call() {
            Map<String, String> settings = new LinkedHashMap<>();
            if (retentionMs != null) {
                settings.put("retention.ms", retentionMs.toString());
            }
            if (retentionBytes != null) {
                settings.put("retention.bytes", retentionBytes.toString());
            }
            settings.putAll(other);
            if (settings.isEmpty()) {
                throw Failure.usage("nothing to change: give --retention-ms, --retention-bytes or --config KEY=VALUE");
            }
            Topics.alter(topic.kafka(), settings).forEach(spec.commandLine().getOut()::println);
            return 0;
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true, sortOptions = false,
            header = "Delete a topic and its events, for good.")
    static final class Delete implements Callable<Integer> {
        @Mixin Named topic;
        @Spec CommandSpec spec;

        @Override
        public Integer call() {
            delete(topic.kafka(), spec.commandLine().getOut());
            return 0;
        }
    }
}
