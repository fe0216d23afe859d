package dev.cdc.cli;

import dev.cdc.base.Failure;
import dev.cdc.consume.EventConsumer;
import dev.cdc.consume.Feeds;
import dev.cdc.db.Db;
import dev.cdc.db.Table;
import dev.cdc.sink.CommandSink;
import dev.cdc.sink.HttpSink;
import dev.cdc.source.Capture;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.jdbi.v3.core.Handle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "consume", mixinStandardHelpOptions = true, sortOptions = false,
        exitCodeListHeading = Failure.Help.HEADING,
        exitCodeList = {Failure.Help.STOPPED, Failure.Help.BUG, Failure.Help.USAGE, Failure.Help.PRECONDITION, Failure.Help.UNREACHABLE, Failure.Help.BAD_EVENT},
        header = "Apply the change events to the target (or post them to an HTTP endpoint), until Ctrl-C or SIGTERM.",
        description = {
            "Reads the topics of the captured tables (as cdc setup recorded them on the target, or --table, or --topic) in a consumer group and applies each batch of events in one target transaction: per row only the last change counts, then one DELETE and one INSERT ... ON CONFLICT statement. The next Kafka offset of every partition (cdc.applied_offsets) and the last position of every source and captured table (cdc.applied_positions) are stored in the target in the same transaction, so a crash at any instant neither skips nor repeats a change; replays and duplicates change nothing. A message that is not a valid event, or an event the target rejects, stops it (exit 6) with topic, partition, offset and reason, or with --on-error dlq goes to a dead-letter topic. Survives restarts of the database and the broker. Several consumers in one group share the partitions.",
            "With --sink http, batches of events (a JSON array, each event with a stable \"id\") are POSTed to --url instead; Kafka's committed offsets move only after a 2xx; 5xx, 408, 429, timeouts and connection errors are retried (--max-retries, --retry-backoff), another status rejects the batch (--on-error). --on-flush runs a command after each delivered batch. With --sink command, each batch goes to --command (a load job) on its standard input, and counts as consumed once the command exited 0."})
public final class ConsumeCommand implements Callable<Integer> {
    @Mixin Connections.Target target;
    @Mixin Connections.Broker broker;
    @Mixin MetricsOption metrics;
    @Mixin HttpOptions http;

    /** Where events go. */
    enum SinkKind { db, http, command }

    @Option(names = "--sink", defaultValue = "db", paramLabel = "db|http|command",
            description = "db (default): apply to the target database's tables; http: POST batches of events to --url; "
                    + "command: run --command for each batch, the events on its standard input.")
    SinkKind sink;

    @Option(names = "--command", paramLabel = "COMMAND",
            description = "With --sink command: a shell command run for each batch (a load job, say), with the batch's events "
                    + "on its standard input (a JSON array, as --sink http posts it) and CDC_FLUSH_TOPIC, CDC_FLUSH_TABLES, "
                    + "CDC_FLUSH_COUNT, CDC_FLUSH_OFFSETS in its environment; the batch counts as consumed once it exits 0, "
                    + "another exit is retried (--max-retries).")
    String command;

    @Option(names = {"--batch-max-size", "--flush-events"}, paramLabel = "N",
            description = "Deliver a batch at N events at most (default 5000 for db, 500 for http).")
    Integer batchMaxSize;

    @Option(names = {"--batch-max-wait", "--flush-interval"}, paramLabel = "DURATION", defaultValue = "0",
            converter = DurationConverter.class,
            description = "Wait up to this long after the first event of a batch for it to fill (e.g. 2s); 0 (default) "
                    + "delivers what each read returned at once.")
    java.time.Duration batchMaxWait;

    @Option(names = "--max-retries", paramLabel = "N",
            description = "Retries of a delivery that failed in a way that may pass (database or endpoint away, HTTP 5xx, 408, "
                    + "429, timeout), then consume stops (exit 4) (default: without end for db, 5 for http).")
    Integer maxRetries;

    @Option(names = "--retry-backoff", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Wait before the first retry, doubling up to 10 s (or this, if longer) (default 200ms for db, 1s for http).")
    java.time.Duration retryBackoff;

    @Option(names = "--on-flush", paramLabel = "COMMAND",
            description = "Run this shell command after each delivered batch, with CDC_FLUSH_TOPIC, CDC_FLUSH_TABLES, "
                    + "CDC_FLUSH_COUNT and CDC_FLUSH_OFFSETS (partition:first-last,...) in its environment; a failure is "
                    + "retried like a delivery (--max-retries), and for http the batch counts as consumed only after it succeeded.")
    String onFlush;

    @Option(names = "--group", defaultValue = "${env:CDC_GROUP}",
            description = "Kafka consumer group (env CDC_GROUP; default cdc-apply for db, cdc-http for http).")
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

    private static final String DLQ_DEFAULT = "{topic}.dlq";

    @Option(names = "--dlq-topic", paramLabel = "NAME",
            description = "Dead-letter topic for --on-error dlq, where {topic} stands for the name of the topic the event "
                    + "came from (default " + DLQ_DEFAULT + ": one per topic; created with one partition when missing).")
    String dlqTopic;

    @Option(names = "--connections", defaultValue = "4", paramLabel = "N",
            description = "Apply on at most N threads at once, each with its own connection to the target (or HTTP "
                    + "requests in flight); each topic is applied by one of them, so its batches stay in order "
                    + "(default ${DEFAULT-VALUE}). One Kafka consumer reads every topic.")
    int connections;

    @Option(names = "--table", split = ",", paramLabel = "SCHEMA.TABLE",
            description = "Apply only the topics of these tables (repeatable, or comma-separated; default: every topic cdc setup recorded on the target).")
    List<String> tables = new ArrayList<>();

    @Option(names = "--consolidate-into", paramLabel = "SCHEMA.TABLE",
            description = "Apply the events of several sources (each cdc produce with its --source-name) into this one table, "
                    + "whose key is " + Table.SOURCE_COLUMN + " plus the source's key: equal keys of different sources "
                    + "are different rows, and a delete or truncate on one source removes only its rows. Reads the topics "
                    + "that feed it (cdc setup --consolidate-into recorded them), or --topic. Not needed when cdc setup "
                    + "recorded the table as consolidated: consume applies those topics so anyway.")
    String consolidateInto;

    @Option(names = "--generated-expressions",
            description = "Create a generated column announced on the topic with its expression. Without it, consume stops "
                    + "at such a column (exit 3) and says how to add it: an expression read from the topic would run on the "
                    + "target as this user, so give this only when no one else can write to the topic.")
    boolean generatedExpressions;

    @Override
    public Integer call() {
        EventConsumer consumer = prepare();
        metrics.serve();
        Loops.runUntilSignal(consumer, consumer::stop, consumer::stop);
        return 0;
    }

    /** Checks the options, the target and the topics, and returns the consumer, not yet started. */
    EventConsumer prepare() {
        boolean toHttp = sink != SinkKind.db; // an endpoint or a command: no target database
        if ((sink == SinkKind.command) != (command != null)) {
            throw Failure.usage(command == null ? "--sink command needs --command" : "--command goes with --sink command");
        }
        Db db = toHttp ? null : target.db();
        HttpSink.Config httpConfig = sink == SinkKind.http ? http.config() : null;
        EventConsumer.Batching defaults = toHttp ? EventConsumer.Batching.HTTP : EventConsumer.Batching.DATABASE;
        EventConsumer.Batching batching = new EventConsumer.Batching(
                batchMaxSize != null ? batchMaxSize : defaults.maxSize(), batchMaxWait.toMillis(),
                maxRetries != null ? maxRetries : defaults.maxRetries(),
                retryBackoff != null ? retryBackoff.toMillis() : defaults.backoffMillis(), onFlush);
        if (batching.maxSize() < 1) {
            throw Failure.usage("--batch-max-size must be at least 1");
        }
        if (connections < 1) {
            throw Failure.usage("--connections must be at least 1");
        }
        if (broker.explicitTopic() != null && !tables.isEmpty()) {
            throw Failure.usage("give --table or --topic, not both");
        }
        if (consolidateInto != null && (toHttp || !tables.isEmpty())) {
            throw Failure.usage(toHttp ? "--consolidate-into applies to a target database, not with --sink " + sink
                    : "give --consolidate-into or --table, not both");
        }
        String groupId = group != null ? group : toHttp ? "cdc-" + sink : "cdc-apply";
        List<Feeds.Feed> topics;
        if (broker.explicitTopic() != null) {
            topics = List.of(new Feeds.Feed(broker.explicitTopic(), consolidateInto, consolidateInto != null));
        } else if (toHttp) { // no target database to say which topics: the tables' default topics, or the demo's
            topics = (tables.isEmpty() ? List.of(broker.kafka().topic())
                    : tables.stream().map(Table::parseName).map(n -> Capture.defaultTopic(n[0], n[1])).toList())
                    .stream().map(t -> new Feeds.Feed(t, null, false)).toList();
        } else {
            try (Handle h = db.open("cdc-consume")) {
                List<String> only = consolidateInto != null ? List.of(consolidateInto) : tables;
                topics = Feeds.list(h, db, only.stream().map(Table::parseName).toList()).stream()
                        .map(s -> consolidateInto != null ? new Feeds.Feed(s.topic(), consolidateInto, true) : s)
                        .toList();
            }
        }
        String deadLetters = onError == OnError.fail ? null : dlqTopic != null ? dlqTopic : DLQ_DEFAULT;
        var cfg = new EventConsumer.Config(db, broker.kafka(topics.get(0).topic()), groupId, topics, progressSeconds * 1000,
                batching, connections, deadLetters);
        EventConsumer consumer = sink == SinkKind.http ? new EventConsumer(cfg, new HttpSink(httpConfig))
                : sink == SinkKind.command ? new EventConsumer(cfg, new CommandSink(command))
                : new EventConsumer(cfg, generatedExpressions);
        consumer.preflight();
        return consumer;
    }
}
