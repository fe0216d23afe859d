package dev.cdc.ops;

import dev.cdc.base.Failure;
import dev.cdc.db.Db;
import dev.cdc.engine.Engines;
import dev.cdc.kafka.Kafka;
import dev.cdc.source.Backlog;
import dev.cdc.source.Capture;
import dev.cdc.source.Captures;
import dev.cdc.target.TargetEngine;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.jdbi.v3.core.Handle;

/**
 * {@code cdc status}: where every captured table stands, read from the three places that know —
 * the source (changelog backlog, cursor, the producer holding the table's lock), Kafka (each
 * partition's end offset, the group's committed offsets) and the target (what the group applied,
 * which is the truth: the target stores its offsets with the rows). A component that cannot be
 * reached is a problem in the report; the others are still read.
 */
public final class Status {
    private Status() {
    }

    /** The session publishing a table: the one holding its producer lock. */
    public record Producer(int pid, String host, String since) {
    }

    /**
     * One partition of a table's topic: its end offset, the next offset the target will apply
     * (null: nothing applied yet), how many events it still has to apply (null: the target could
     * not be read), when it last applied a batch, and the offset the group committed to Kafka
     * (informative).
     */
    public record Partition(int partition, long endOffset, Long appliedOffset, Long lag, String lastApplied,
                            Double lastAppliedSecondsAgo, Long kafkaCommitted) {
    }

    /**
     * One captured table: the changelog's backlog (events not yet published) and the age of its
     * oldest, the cursor's window, the events published since install and when last, the producer,
     * and the topic's partitions. A value is null when its component could not be read.
     */
    public record Table(String table, String changelog, String topic, Long backlog, Double oldestUnpublishedSeconds,
                        Long window, Long published, String lastPublished, Double lastPublishedSecondsAgo,
                        Producer producer,
                        List<Partition> partitions, Long topicLag) {
        /** Events committed on the source and not yet applied on the target, as far as known. */
        public long lag() {
            return (backlog == null ? 0 : backlog) + (topicLag == null ? 0 : topicLag);
        }
    }

    /** Something that could not be read, and the exit code it stands for. */
    public record Problem(String message, @com.fasterxml.jackson.annotation.JsonIgnore int exitCode) {
        static Problem of(Failure f) {
            return new Problem(f.getMessage(), f.exitCode());
        }
    }

    /** The tables, and what could not be read. */
    public record Report(String group, List<Table> tables, List<Problem> problems) {
    }

    /** What the source says of its captured tables (empty where it could not be read). */
    private record SourceSide(Map<String, Capture> captures, Map<String, Captures.Cursor> cursors,
                              Map<String, Backlog> backlogs) {
    }

    /** Reads the status of every captured table (or of {@code only}, "schema.table" names). */
    public static Report read(Db source, Db target, Kafka broker, String group, List<String> only) {
        List<Problem> problems = new ArrayList<>();
        SourceSide src = readSource(source, problems);
        Map<String, String> topics = new LinkedHashMap<>(); // table -> topic
        src.captures().forEach((name, c) -> topics.put(name, c.topic()));
        // no target database (events posted or given to a command): the group's offsets in Kafka are where it stands
        Map<String, Map<Integer, Map<String, Object>>> applied = target == null ? Map.of() : readApplied(target, group, topics, problems);
        if (!only.isEmpty()) {
            List<String> wanted = only.stream().map(n -> String.join(".", dev.cdc.db.Table.parseName(n))).toList();
            for (String w : wanted) {
                if (!topics.containsKey(w) && problems.isEmpty()) {
                    problems.add(Problem.of(Failure.precondition("table " + w + " is not captured (run: cdc setup --table " + w + ")")));
                }
            }
            topics.keySet().retainAll(wanted);
        }
        Map<String, List<Partition>> partitions = partitions(broker, group, topics.values(), applied, target == null, problems);
        List<Table> tables = new ArrayList<>();
        topics.forEach((name, topic) -> tables.add(table(name, topic, src, partitions.get(topic))));
        return new Report(group, tables, problems);
    }

    private static SourceSide readSource(Db source, List<Problem> problems) {
        SourceSide src = new SourceSide(new LinkedHashMap<>(), new HashMap<>(), new HashMap<>());
        try (Handle h = source.open("cdc-status")) {
            Captures captures = Engines.source(source).captures();
            for (Capture c : captures.all(h, source)) {
                src.captures().put(c.table().display(), c);
                src.backlogs().put(c.table().display(), captures.backlog(h, c));
            }
            for (Captures.Cursor r : captures.cursors(h)) {
                src.cursors().put(r.display(), r);
            }
        } catch (Failure e) {
            problems.add(Problem.of(e));
        }
        return src;
    }

    /**
     * What the group applied, per topic and partition (null: the target could not be read); when
     * the source could not say which topics there are, {@code topics} gets those the target records.
     */
    private static Map<String, Map<Integer, Map<String, Object>>> readApplied(Db target, String group,
                                                                              Map<String, String> topics, List<Problem> problems) {
        boolean known = !topics.isEmpty();
        try (Handle h = target.open("cdc-status")) {
            TargetEngine engine = Engines.target(target);
            engine.requireSetup(h, target);
            Map<String, Map<Integer, Map<String, Object>>> applied = new HashMap<>();
            for (TargetEngine.Applied a : engine.applied(h, group)) {
                Map<String, Object> r = new HashMap<>();
                r.put("next_offset", a.nextOffset());
                r.put("applied", a.applied());
                r.put("updated_at", a.updatedAt());
                r.put("now", a.now());
                applied.computeIfAbsent(a.topic(), t -> new HashMap<>()).put(a.partition(), r);
            }
            if (!known) { // the source could not say: the target knows the topics
                engine.feeds(h, null).forEach(f -> topics.put(f.table().display(), f.topic()));
            }
            return applied;
        } catch (Failure e) {
            problems.add(Problem.of(e));
            return null;
        }
    }

    private static Table table(String name, String topic, SourceSide src, List<Partition> ps) {
        Capture c = src.captures().get(name);
        Captures.Cursor r = src.cursors().get(name);
        Backlog b = src.backlogs().get(name);
        return new Table(name, c == null ? null : c.changelogDisplay(), topic,
                b == null ? null : b.events(), b == null ? null : b.oldestSeconds(),
                r == null ? null : r.windowId(),
                r == null ? null : r.published(),
                r == null ? null : time(r.publishedAt()),
                r == null ? null : secondsBetween(r.publishedAt(), r.now()),
                r == null || r.producerPid() == null ? null : new Producer(r.producerPid(),
                        r.producerHost(), time(r.producerSince())),
                ps, ps == null || ps.stream().anyMatch(p -> p.lag() == null) ? null
                        : ps.stream().mapToLong(Partition::lag).sum());
    }

    /**
     * Each topic's partitions with Kafka's and the target's offsets ({@code applied} null: the target
     * could not be read); null for a topic Kafka could not describe.
     */
    private static Map<String, List<Partition>> partitions(Kafka broker, String group, java.util.Collection<String> topics,
                                                           Map<String, Map<Integer, Map<String, Object>>> applied,
                                                           boolean fromKafka, List<Problem> problems) {
        Map<String, List<Partition>> out = new HashMap<>();
        if (topics.isEmpty()) {
            return out;
        }
        try (Admin admin = broker.admin()) {
            Map<String, TopicDescription> described = new HashMap<>();
            for (String topic : topics) {
                new Kafka(broker.bootstrapServers(), topic, broker.overrides()).findTopic(admin).ifPresentOrElse(
                        d -> described.put(topic, d),
                        () -> problems.add(Problem.of(Failure.precondition("topic '" + topic + "' does not exist on Kafka at "
                                + broker.bootstrapServers() + " (create it with: cdc topic)"))));
            }
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
            described.forEach((t, d) -> d.partitions().forEach(p -> {
                latest.put(new TopicPartition(t, p.partition()), OffsetSpec.latest());
                earliest.put(new TopicPartition(t, p.partition()), OffsetSpec.earliest());
            }));
            Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = broker.await(admin.listOffsets(latest).all());
            Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> starts = broker.await(admin.listOffsets(earliest).all());
            Map<TopicPartition, OffsetAndMetadata> committed = broker.await(
                    admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata());
            described.forEach((t, d) -> {
                List<Partition> list = new ArrayList<>();
                for (var p : d.partitions()) {
                    TopicPartition tp = new TopicPartition(t, p.partition());
                    long end = ends.get(tp).offset();
                    Map<String, Object> a = applied == null ? null : applied.getOrDefault(t, Map.of()).get(p.partition());
                    OffsetAndMetadata c = committed.get(tp);
                    Long next = a == null || ((Number) a.get("next_offset")).longValue() < 0 ? null
                            : ((Number) a.get("next_offset")).longValue();
                    if (fromKafka && c != null) { // no target: Kafka's committed offset
                        next = c.offset();
                    }
                    long from = next != null ? next : starts.get(tp).offset();
                    list.add(new Partition(p.partition(), end, next, applied == null ? null : Math.max(0, end - from),
                            a == null ? null : time(a.get("updated_at")),
                            a == null ? null : secondsBetween(a.get("updated_at"), a.get("now")),
                            c == null ? null : c.offset()));
                }
                out.put(t, list);
            });
        } catch (Failure e) {
            problems.add(Problem.of(e));
        }
        return out;
    }

    private static String time(Object t) {
        return t instanceof Instant i ? i.truncatedTo(ChronoUnit.MILLIS).toString() : null;
    }

    private static Double secondsBetween(Object from, Object to) {
        if (!(from instanceof Instant a) || !(to instanceof Instant b)) {
            return null;
        }
        return Duration.between(a, b).toNanos() / 1e9;
    }
}
