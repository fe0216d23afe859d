package dev.cdc.cli;

import dev.cdc.base.Failure;
import dev.cdc.base.Json;
import dev.cdc.ops.Status;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "status", mixinStandardHelpOptions = true, sortOptions = false,
        exitCodeListHeading = Failure.Help.HEADING,
        exitCodeList = {Failure.Help.OK, Failure.Help.BUG, Failure.Help.USAGE, Failure.Help.PRECONDITION, Failure.Help.UNREACHABLE,
            Failure.Help.BEHIND},
        header = "Show where every captured table stands: source backlog, producer, topic, consumer lag.",
        description = {
            "For each captured table: the changelog's backlog (changes not yet published) and the age of the oldest, the producer publishing it (the session holding its lock) and when it last published; for each partition of its topic the end offset, the offset the target applied up to (stored with the rows, the truth), the lag between them (of the whole topic when tables share one), when a batch was last applied, and the offset the group committed to Kafka (informative). A component that cannot be reached is reported, the others are still shown, and the exit code is non-zero."})
public final class StatusCommand implements Callable<Integer> {
    @Mixin Connections.Source source;
    @Mixin Connections.Target target;
    @Mixin Connections.Broker broker;
    @Spec CommandSpec spec;

    @Option(names = "--group", defaultValue = "${env:CDC_GROUP:-cdc-apply}",
            description = "Consumer group whose progress to show (env CDC_GROUP; default ${DEFAULT-VALUE}).")
    String group;

    @Option(names = "--table", split = ",", paramLabel = "SCHEMA.TABLE",
            description = "Only these tables (repeatable, or comma-separated; default: every captured table).")
    List<String> tables = new ArrayList<>();

    @Option(names = "--json", description = "Print the status as JSON, for scripts (every table).")
    boolean json;

    @Option(names = "--top", defaultValue = "20", paramLabel = "N",
            description = "Beyond this many tables, show a summary and the N furthest behind (default ${DEFAULT-VALUE}; --table or "
                    + "--json for the others).")
    int top;

    @Option(names = "--max-lag", paramLabel = "EVENTS",
            description = "Exit 7 when a table has more changes than this not yet applied (backlog plus topic lag).")
    Long maxLag;

    @Override
    public Integer call() throws Exception {
        if (maxLag != null && maxLag < 0 || top < 1) {
            throw Failure.usage(top < 1 ? "--top must be at least 1" : "--max-lag must be 0 or more");
        }
        Status.Report report = Status.read(source.db(), target.db(), broker.kafka(), group, tables);
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(report));
        } else {
            print(out, report, top);
        }
        out.flush();
        int code = report.problems().stream().mapToInt(Status.Problem::exitCode).max().orElse(0);
        if (code == 0 && maxLag != null && report.tables().stream().anyMatch(t -> t.lag() > maxLag)) {
            spec.commandLine().getErr().println("behind: " + String.join(", ", report.tables().stream()
                    .filter(t -> t.lag() > maxLag).map(t -> t.table() + " " + t.lag() + " changes").toList())
                    + " not yet applied (--max-lag " + maxLag + ")");
            return Failure.BEHIND;
        }
        report.problems().forEach(p -> spec.commandLine().getErr().println("cdc status: " + p.message()));
        return code;
    }

    private static void print(PrintWriter out, Status.Report r, int top) {
        List<Status.Table> shown = r.tables();
        if (shown.size() > top) {
            summary(out, r.tables());
            shown = r.tables().stream().sorted(BEHIND).limit(top).toList();
            out.printf("the %d furthest behind:%n", top);
        }
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"TABLE", "BACKLOG", "OLDEST", "PUBLISHED", "LAST PUBLISHED", "PRODUCER", "TOPIC", "LAG"});
        for (Status.Table t : shown) {
            rows.add(new String[] {t.table(), n(t.backlog()), t.oldestUnpublishedSeconds() == null ? "-" : ago(t.oldestUnpublishedSeconds()),
                n(t.published()), t.lastPublishedSecondsAgo() == null ? "never" : ago(t.lastPublishedSecondsAgo()) + " ago",
                t.producer() == null ? (t.backlog() == null ? "?" : "not running")
                        : "pid " + t.producer().pid() + (t.producer().host() == null ? "" : " at " + t.producer().host()),
                t.topic(), t.backlog() == null || t.topicLag() == null ? "?" : Long.toString(t.lag())});
        }
        table(out, rows);
        List<String[]> parts = new ArrayList<>();
        parts.add(new String[] {"TOPIC", "PARTITION", "END OFFSET", "APPLIED TO", "LAG", "LAST APPLIED", "KAFKA COMMITTED"});
        for (Status.Table t : shown) {
            if (t.partitions() != null) {
                for (Status.Partition p : t.partitions()) {
                    parts.add(new String[] {t.topic(), Integer.toString(p.partition()), Long.toString(p.endOffset()),
                        n(p.appliedOffset()), p.lag() == null ? "?" : Long.toString(p.lag()),
                        p.lastAppliedSecondsAgo() == null ? "never" : ago(p.lastAppliedSecondsAgo()) + " ago", n(p.kafkaCommitted())});
                }
            }
        }
        if (parts.size() > 1) {
            out.println();
            out.println("consumer group " + r.group() + ":");
            table(out, parts);
        }
    }

    /** Furthest behind first: changes not applied, then the oldest unpublished change, then name. */
    private static final java.util.Comparator<Status.Table> BEHIND = java.util.Comparator
            .comparingLong((Status.Table t) -> -t.lag())
            .thenComparingDouble(t -> t.oldestUnpublishedSeconds() == null ? 0 : -t.oldestUnpublishedSeconds())
            .thenComparing(Status.Table::table);

    /** One line for every table together: how many, how far behind in all, and the worst. */
    private static void summary(PrintWriter out, List<Status.Table> tables) {
        long backlog = tables.stream().mapToLong(t -> t.backlog() == null ? 0 : t.backlog()).sum();
        Map<String, Long> topicLags = new HashMap<>(); // a topic shared by tables counts once
        tables.stream().filter(t -> t.topicLag() != null).forEach(t -> topicLags.put(t.topic(), t.topicLag()));
        long lag = backlog + topicLags.values().stream().mapToLong(Long::longValue).sum();
        long behind = tables.stream().filter(t -> t.lag() > 0).count();
        long unknown = tables.stream().filter(t -> t.backlog() == null || t.topicLag() == null).count();
        long noProducer = tables.stream().filter(t -> t.producer() == null).count();
        Status.Table worst = tables.stream().min(BEHIND).orElseThrow();
        double oldest = tables.stream().filter(t -> t.oldestUnpublishedSeconds() != null)
                .mapToDouble(Status.Table::oldestUnpublishedSeconds).max().orElse(-1);
        out.printf("%d tables: backlog %d changes%s, %d not yet applied in all (%d tables behind; worst %s, %d)%s%s%n%n",
                tables.size(), backlog, oldest < 0 ? "" : " (oldest " + ago(oldest) + ")", lag, behind, worst.table(),
                worst.lag(), noProducer == 0 ? "" : "; " + noProducer + " without a running producer",
                unknown == 0 ? "" : "; " + unknown + " unknown");
    }

    private static String n(Long v) {
        return v == null ? "-" : Long.toString(v);
    }

    private static String ago(double seconds) {
        if (seconds < 120) {
            return String.format("%.1f s", seconds);
        }
        return seconds < 7200 ? Math.round(seconds / 60) + " min" : Math.round(seconds / 3600) + " h";
    }

    private static void table(PrintWriter out, List<String[]> rows) {
        int[] w = new int[rows.get(0).length];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                w[i] = Math.max(w[i], row[i].length());
            }
        }
        for (String[] row : rows) {
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < row.length; i++) {
                b.append(i == 0 ? "" : "  ").append(i == row.length - 1 ? row[i] : String.format("%-" + w[i] + "s", row[i]));
            }
            out.println(b.toString().stripTrailing());
        }
    }
}
