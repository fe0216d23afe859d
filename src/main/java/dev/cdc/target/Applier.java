package dev.cdc.target;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cdc.base.Failure;
import dev.cdc.base.Json;
import dev.cdc.db.Db;
import dev.cdc.db.Sql;
import dev.cdc.db.Table;
import dev.cdc.event.ChangeEvent;
import dev.cdc.kafka.Kafka;
import dev.cdc.source.ChangelogRow;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.jdbi.v3.core.Handle;

/**
 * Applies a batch of Kafka records to the target in one transaction, together with the next offset
 * and the last source position of every partition it read. Because the offsets are stored with the
 * rows, a crash at any instant neither skips nor repeats a change; because positions are stored,
 * events the producer republished after a crash are recognized and skipped.
 *
 * <p>Within the batch the changes of one row are collapsed to the last one (full row images: the
 * last decides), then all deletes run as one statement and all upserts as another (one per set of
 * columns: a row image sets the columns it has, and leaves the others as they are).
 *
 * <p>A truncate event, which every partition gets, deletes the target rows whose key belongs to
 * that partition: the changes before it in the partition are the only ones those rows had, and
 * the changes after it come after the delete. A schema event adds the columns the target lacks,
 * before the changes that have them.
 */
public final class Applier {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger("cdc.consume");
    private final String group;
    private final String topic;
    private volatile String topicId;
    /** The tables the topic's events may write to, as [schema, name] (read with twoWay). */
    private java.util.Set<List<String>> tables;
    /** Columns announced on the topic as generated are created so on the target (the topic is trusted). */
    private boolean generatedExpressions;
    private final boolean consolidated;
    /** Two-way sync: this side's subscription to the other side's topic (empty: one-way; null: not read yet). */
    private java.util.Optional<Sync> twoWay;
    private final Map<String, Target> targets = new HashMap<>();
    private final Map<TopicPartition, Long> soughtBack = new HashMap<>(); // gaps already sought back over once

    /**
     * What a batch did: events applied (each counted once, even when several changes of a row
     * were collapsed), records skipped as already applied, rows written, and where the consumer
     * must seek because it read past a gap.
     */
    public record Result(int events, int skipped, int rows, Map<TopicPartition, Long> seeks) {
    }

    /**
     * A record read from the topic and the event it holds; no event: a record sent to the
     * dead-letter topic, whose offset is consumed without applying anything.
     */
    public record Decoded(ConsumerRecord<byte[], byte[]> record, ChangeEvent event) {
        public static Decoded deadLetter(ConsumerRecord<byte[], byte[]> record) {
            return new Decoded(record, null);
        }
    }

    /**
     * The stored state of one partition: next offset, and per source (by name; "" for a producer
     * without --source-name) the position of the last event applied from it.
     */
    static final class Stored {
        long nextOffset;
        final Map<String, Position> positions = new java.util.TreeMap<>();
        long applied;
        boolean touched;

        Stored(long nextOffset, String epoch, long window, long seq, int index) {
            this.nextOffset = nextOffset;
            positions.put("", new Position(epoch, window, seq, index));
        }

        Position position(String source) {
            return positions.computeIfAbsent(source == null ? "" : source, s -> new Position(null, 0, 0, 0));
        }
    }

    /** Where in its source an event was: the source's epoch, window, seq and index. */
    static final class Position {
        String epoch;
        long window;
        long seq;
        int index;

        Position(String epoch, long window, long seq, int index) {
            this.epoch = epoch;
            this.window = window;
            this.seq = seq;
            this.index = index;
        }

        /** True when the event is at or before this position, so it was applied already. */
        boolean covers(ChangeEvent ev) {
            return ev.notAfter(epoch == null ? "" : epoch, window, seq, index);
        }

        void advance(ChangeEvent ev) {
            epoch = ev.epoch();
            window = ev.window();
            seq = ev.seq();
            index = ev.index();
        }
    }

    /**
     * The apply statements for one target table; upserts by the columns they set. {@code local}:
     * the primary key columns this side assigns itself (two-way sync with --key), never written.
     */
    private record Target(Table table, java.util.Set<String> columns, java.util.Set<String> local,
                          Map<List<String>, String> upserts, Map<List<String>, String> claims, String delete) {
    }

    /** Two-way sync: the table of this side's row versions, and the columns rows are related by. */
    private record Sync(String versions, List<String> key) {
    }

    /**
     * The rows of a table that belong to some of the topic's {@code partitions} are to be deleted;
     * in a consolidated table only those of {@code source} (else null).
     */
    record Truncate(String table, int partitions, String source, java.util.SortedSet<Integer> of) {
    }

    /**
     * @param consolidated the events go into a consolidated table ({@link ChangeEvent#consolidated}):
     *                     a truncate deletes only the rows of the source that was truncated
     */
    public Applier(String group, String topic, boolean consolidated) {
        this.group = group;
        this.topic = topic;
        this.consolidated = consolidated;
    }

    /** Checks the target has been set up (bookkeeping table present). */
    public static void requireSetup(Handle h, Db target) {
        Map<String, Object> r = h.createQuery(Sql.load("target/bookkeeping.sql")).mapToMap().one();
        if (!Boolean.TRUE.equals(r.get("installed"))) {
            throw Failure.precondition("the " + target.where() + " has no cdc bookkeeping tables (run: cdc setup)");
        }
        if (!Boolean.TRUE.equals(r.get("current"))) {
            throw Failure.precondition("the cdc bookkeeping tables of the " + target.where() + " were installed by an older "
                    + "cdc; run cdc setup again to upgrade them (what was applied is kept)");
        }
    }

    /** Trust the topic's generated columns: create them with their expressions (consume --generated-expressions). */
    public Applier withGeneratedExpressions(boolean trusted) {
        generatedExpressions = trusted;
        return this;
    }

    /**
     * The topic's id as Kafka gives it now (null: unknown). A topic deleted and created again under
     * the same name has another id: the offsets stored for the old one are no offsets in it, so it is
     * read from its start (the source positions stored with them still recognize events applied).
     */
    public void topicIs(String id) {
        topicId = id;
    }

    /**
     * Whether an offset stored with {@code storedTopicId} was in another topic of the same name than
     * the one Kafka has now (deleted and created again since): no offset in this one. An id unknown
     * on either side (stored before ids were, or Kafka not asked) counts as the same topic.
     */
    private boolean otherTopic(String storedTopicId) {
        return storedTopicId != null && topicId != null && !storedTopicId.equals(topicId);
    }

    /** The stored next offset of every partition of the topic that has one. */
    public Map<Integer, Long> storedOffsets(Handle h) {
        Map<Integer, Long> m = new HashMap<>();
        java.util.Set<String> others = new java.util.TreeSet<>();
        h.createQuery(Sql.load("target/read_offsets.sql")).bind("group_id", group).bind("topic", topic)
                .map((rs, ctx) -> otherTopic(rs.getString("topic_id")) ? others.add(rs.getString("topic_id"))
                        : m.put(rs.getInt("partition"), rs.getLong("next_offset"))).list();
        if (!others.isEmpty()) {
            log.warn("topic {} is not the one whose offsets {} stored (its id is {}, theirs {}): it was deleted and created "
                    + "again; reading it from its start, skipping events applied before", topic, group, topicId, others);
        }
        return m;
    }

    /** Applies the batch: the decoded records of each partition, in offset order. */
    public Result apply(Handle h, Map<TopicPartition, List<Decoded>> batch) {
        List<Integer> partitions = batch.keySet().stream().map(TopicPartition::partition).sorted().toList();
        if (twoWay == null) {
            twoWay = h.createQuery(Sql.load("target/two_way_subscription.sql")).bind("topic", topic)
                    .map((rs, ctx) -> new Sync(rs.getString("versions"), rs.getString("key_columns") == null ? null
                            : Json.stringList(rs.getString("key_columns")))).findFirst();
            tables = h.createQuery(Sql.load("target/subscribed_tables.sql")).bind("topic", topic)
                    .map((rs, ctx) -> List.of(rs.getString("table_schema"), rs.getString("table_name"))).set();
        }
        requireSubscribedTables(batch);
        addColumns(h, batch);
        return h.inTransaction(tx -> {
            // Safe without waiting for the disk: a crash that loses this commit loses the rows and
            // the offsets together, and the events are applied again from Kafka.
            tx.execute("SET LOCAL synchronous_commit = off");
            if (twoWay.isPresent()) { // the capture triggers do not fire: nothing applied here is sent back
                tx.execute("SET LOCAL session_replication_role = replica");
            }
            Map<Integer, Stored> stored = lock(tx, partitions);
            if (stored.size() != partitions.size()) { // a partition's first batch: create its row, lock again
                ensureOffsetRows(tx, partitions);
                stored = lock(tx, partitions);
            }
            requireColumns(tx, batch);
            Plan plan = plan(batch, stored, soughtBack, consolidated);
            List<ChangeEvent> changes = twoWay.isPresent() ? resolve(tx, plan.changes()) : plan.changes();
            int rows = truncate(tx, plan.truncates()) + write(tx, changes);
            if (twoWay.isPresent()) {
                writeVersions(tx, changes);
            }
            save(tx, stored);
            return new Result(plan.events(), plan.skipped(), rows, plan.seeks());
        });
    }

    /**
     * The truncates to run first, the changes to write (the last one of each row, in order), and
     * what was skipped and why.
     */
    record Plan(List<Truncate> truncates, List<ChangeEvent> changes, int events, int skipped,
                Map<TopicPartition, Long> seeks) {
    }

    /**
     * Decides what a batch writes, given the stored state of its partitions, and advances that
     * state. Records below a partition's stored offset were applied already (before a crash, or by
     * another group member); a first record above it means the consumer read past a gap, so it
     * seeks back once — if the same gap comes again, no record lies in it (Kafka skips the markers
     * of other, transactional writers) and it is crossed; an event at or before the stored source
     * position is a republished duplicate. Of the rest, each row keeps only its last change.
     */
    static Plan plan(Map<TopicPartition, List<Decoded>> batch, Map<Integer, Stored> stored,
                     Map<TopicPartition, Long> soughtBack) {
        return plan(batch, stored, soughtBack, false);
    }

    static Plan plan(Map<TopicPartition, List<Decoded>> batch, Map<Integer, Stored> stored,
                     Map<TopicPartition, Long> soughtBack, boolean consolidated) {
        Map<TopicPartition, Long> seeks = new HashMap<>();
        LinkedHashMap<String, ChangeEvent> last = new LinkedHashMap<>(); // by partition, table and key
        Map<String, Truncate> truncates = new LinkedHashMap<>();
        int skipped = 0;
        int events = 0;
        for (var e : batch.entrySet()) {
            Stored s = stored.get(e.getKey().partition());
            for (Decoded d : e.getValue()) {
                ConsumerRecord<byte[], byte[]> r = d.record();
                if (s.nextOffset >= 0 && r.offset() < s.nextOffset) {
                    skipped++;
                    continue;
                }
                if (s.nextOffset >= 0 && r.offset() > s.nextOffset && !s.touched
                        && !Long.valueOf(s.nextOffset).equals(soughtBack.get(e.getKey()))) {
                    seeks.put(e.getKey(), s.nextOffset);
                    soughtBack.put(e.getKey(), s.nextOffset);
                    break;
                }
                s.nextOffset = r.offset() + 1;
                s.touched = true;
                ChangeEvent ev = d.event();
                if (ev == null) {
                    skipped++; // in the dead-letter topic
                    continue;
                }
                if (ev.op() == 's') {
                    continue; // applied before the batch, see addColumns
                }
                Position at = s.position(ev.sourceName());
                if (at.covers(ev)) {
                    skipped++;
                    continue;
                }
                at.advance(ev);
                s.applied++;
                events++;
                String prefix = e.getKey().partition() + "\u0000" + ev.table() + '\u0000';
                if (ev.op() == 't') {
                    String source = consolidated ? ev.sourceName() : null;
                    last.entrySet().removeIf(c -> c.getKey().startsWith(prefix) // deleted by the truncate anyway
                            && (source == null || source.equals(c.getValue().sourceName())));
                    truncates.computeIfAbsent(ev.table() + '\u0000' + ev.partitions() + '\u0000' + source,
                            k -> new Truncate(ev.table(), ev.partitions(), source, new java.util.TreeSet<>()))
                            .of().add(e.getKey().partition());
                    continue;
                }
                String key = prefix + ev.key();
                last.remove(key); // keeps the map in the order of each row's last change
                last.put(key, ev);
            }
        }
        return new Plan(new ArrayList<>(truncates.values()), new ArrayList<>(last.values()), events, skipped, seeks);
    }

    /**
     * An event with a column the target table lacks (added on the source) would lose that column's
     * values: it stops consume instead, naming the column and where the event is.
     */
    private void requireColumns(Handle tx, Map<TopicPartition, List<Decoded>> batch) {
        for (var e : batch.entrySet()) {
            for (Decoded d : e.getValue()) {
                ChangeEvent ev = d.event();
                if (ev == null || ev.after() == null) {
                    continue;
                }
                Target cached = target(tx, ev.table());
                boolean stale = !cached.columns().containsAll(ev.columns());
                if (stale) { // another consumer, thread or cdc setup may have added the column since it was read
                    targets.remove(ev.table());
                }
                Target t = stale ? target(tx, ev.table()) : cached;
                String unknown = ev.columns().stream().filter(c -> !t.columns().contains(c)).findFirst().orElse(null);
                if (unknown != null) {
                    throw Failure.badEvent("the event in topic " + e.getKey().topic() + ", partition " + e.getKey().partition()
                            + ", offset " + d.record().offset() + " has a column " + unknown + " that target table "
                            + t.table().display() + " lacks (added on the source?); add it to the target table with the "
                            + "source's type and start consume again", null);
                }
            }
        }
    }

    /**
     * An event may write only to the table cdc setup recorded for its topic (cdc.subscriptions): one
     * naming another table stops consume (or goes to the dead-letter topic) before anything is written.
     */
    private void requireSubscribedTables(Map<TopicPartition, List<Decoded>> batch) {
        for (var e : batch.entrySet()) {
            for (Decoded d : e.getValue()) {
                if (d.event() != null && !tables.contains(List.of(Table.parseName(d.event().table())))) {
                    throw Failure.badEvent("the event in topic " + e.getKey().topic() + ", partition " + e.getKey().partition()
                            + ", offset " + d.record().offset() + " names table " + d.event().table() + ", which topic " + topic
                            + " does not feed (cdc.subscriptions: " + tables.stream().map(t -> String.join(".", t)).sorted().toList()
                            + "); nothing was written", null);
                }
            }
        }
    }

    private void ensureOffsetRows(Handle tx, List<Integer> partitions) {
        tx.createUpdate(Sql.load("target/ensure_offsets.sql")).bind("group_id", group).bind("topic", topic)
                .bindArray("partitions", Integer.class, partitions).execute();
    }

    private Map<Integer, Stored> lock(Handle tx, List<Integer> partitions) {
        Map<Integer, Stored> stored = new HashMap<>();
        tx.createQuery(Sql.load("target/lock_offsets.sql")).bind("group_id", group).bind("topic", topic)
                .bindArray("partitions", Integer.class, partitions)
                .map((rs, ctx) -> stored.put(rs.getInt("partition"), stored(rs))).list();
        return stored;
    }

    private Stored stored(java.sql.ResultSet rs) throws java.sql.SQLException {
        long next = otherTopic(rs.getString("topic_id")) ? -1 : rs.getLong("next_offset"); // -1: nothing applied
        Stored s = new Stored(next, rs.getString("epoch"), rs.getLong("window_id"),
                rs.getLong("seq"), rs.getInt("idx"));
        try {
            Json.MAPPER.readTree(rs.getString("sources")).fields().forEachRemaining(f -> s.positions.put(f.getKey(),
                    new Position(f.getValue().path("epoch").asText(), f.getValue().path("window").asLong(),
                            f.getValue().path("seq").asLong(), f.getValue().path("index").asInt())));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cdc.applied_offsets.sources is not JSON", e);
        }
        return s;
    }

    /** Deletes, then upserts, per table (and set of columns); returns the number of rows written. */
    private int write(Handle tx, Iterable<ChangeEvent> changes) {
        Map<String, StringJoiner> deletes = new LinkedHashMap<>();
        Map<String, Map<List<String>, StringJoiner>> upserts = new LinkedHashMap<>();
        int n = 0;
        for (ChangeEvent e : changes) {
            // the rows stay PostgreSQL's JSON text: json columns keep their exact text, numbers their digits
            if (e.op() == 'd') {
                deletes.computeIfAbsent(e.table(), t -> new StringJoiner(",", "[", "]")).add(e.key());
            } else {
                upserts.computeIfAbsent(e.table(), t -> new LinkedHashMap<>())
                        .computeIfAbsent(e.columns(), c -> new StringJoiner(",", "[", "]")).add(e.after());
            }
            n++;
        }
        for (var d : deletes.entrySet()) {
            tx.createUpdate(target(tx, d.getKey()).delete()).bind("keys", d.getValue().toString()).execute();
        }
        for (var u : upserts.entrySet()) {
            Target t = target(tx, u.getKey());
            for (var rows : u.getValue().entrySet()) {
                tx.createUpdate(upsert(t, rows.getKey())).bind("rows", rows.getValue().toString()).execute();
            }
        }
        return n;
    }

    /**
     * Deletes the target rows of the truncated partitions: all of them when every partition was
     * truncated, else those whose key, written as the producer writes it, falls in one of them.
     * Returns the number of rows deleted.
     */
    private int truncate(Handle tx, List<Truncate> truncates) {
        int n = 0;
        for (Truncate tr : truncates) {
            Target t = target(tx, tr.table());
            // in a consolidated table, only the truncated source's rows
            String only = tr.source() == null ? "" : " WHERE " + Sql.ident(Table.SOURCE_COLUMN) + " = "
                    + Sql.literal(tr.source());
            if (tr.of().size() == tr.partitions()) {
                n += tx.createUpdate("DELETE FROM " + t.table().sqlName() + only).execute();
                continue;
            }
            for (String setting : t.table().keySettings()) {
                tx.execute("SET LOCAL " + setting); // the key text as the trigger wrote it; until commit
            }
            List<String> key = new ArrayList<>(t.table().key()); // as the source's producer wrote it
            if (tr.source() != null) {
                key.remove(Table.SOURCE_COLUMN);
            }
            String keys = "SELECT row_to_json(k)::text FROM (SELECT " + Sql.idents(key) + " FROM " + t.table().sqlName()
                    + only + ") k";
            StringJoiner doomed = new StringJoiner(",", "[", "]");
            int pending = 0;
            try (var it = tx.createQuery(keys).setFetchSize(10_000).mapTo(String.class).iterator()) {
                while (it.hasNext()) {
                    String k = ChangelogRow.keyOf(key, it.next());
                    if (tr.of().contains(Kafka.partitionFor(k.getBytes(java.nio.charset.StandardCharsets.UTF_8), tr.partitions()))) {
                        doomed.add(tr.source() == null ? k : ChangeEvent.withSource(tr.source(), k));
                        if (++pending == 10_000) {
                            n += tx.createUpdate(t.delete()).bind("keys", doomed.toString()).execute();
                            doomed = new StringJoiner(",", "[", "]");
                            pending = 0;
                        }
                    }
                }
            }
            if (pending > 0) {
                n += tx.createUpdate(t.delete()).bind("keys", doomed.toString()).execute();
            }
        }
        return n;
    }

    /**
     * Adds the columns that schema events of the batch announce and the target lacks, before the
     * batch's transaction (a new enum label can only be used once committed). Adding is idempotent,
     * so it does not matter whether the batch is then applied, or again.
     */
    private void addColumns(Handle h, Map<TopicPartition, List<Decoded>> batch) {
        Map<String, List<Table.Column>> announced = new LinkedHashMap<>();
        batch.values().forEach(list -> list.forEach(d -> {
            if (d.event() != null && d.event().op() == 's') {
                announced.put(d.event().table(), d.event().definition());
            }
        }));
        announced.forEach((table, columns) -> {
            if (!TargetTable.addColumns(h, existing(h, table), columns, generatedExpressions).isEmpty()) {
                targets.remove(table);
            }
        });
    }

    private void save(Handle tx, Map<Integer, Stored> stored) {
        ArrayNode rows = Json.MAPPER.createArrayNode();
        stored.forEach((p, s) -> {
            if (s.touched) {
                ObjectNode o = rows.addObject();
                o.put("partition", p);
                o.put("next_offset", s.nextOffset);
                ObjectNode named = o.putObject("sources");
                s.positions.forEach((source, at) -> {
                    if (source.isEmpty()) { // a source without a name: in the columns, as before names existed
                        o.put("epoch", at.epoch);
                        o.put("window_id", at.window);
                        o.put("seq", at.seq);
                        o.put("idx", at.index);
                    } else {
                        named.putObject(source).put("epoch", at.epoch).put("window", at.window).put("seq", at.seq)
                                .put("index", at.index);
                    }
                });
                o.put("applied", s.applied);
            }
        });
        if (!rows.isEmpty()) {
            tx.createUpdate(Sql.load("target/save_offsets.sql")).bind("group_id", group).bind("topic", topic).bind("topic_id", topicId)
                    .bind("offsets", Json.write(rows)).execute();
        }
    }

    private Target target(Handle h, String qualified) {
        return targets.computeIfAbsent(qualified, q -> {
            Table catalog = existing(h, q);
            if (catalog.key().isEmpty()) {
                throw Failure.precondition("target table " + q + " has no primary key; cdc applies changes by key");
            }
            Table t = catalog.keyedBy(twoWay.map(Sync::key).orElse(null));
            java.util.Set<String> local = new java.util.HashSet<>(catalog.key());
            local.removeAll(t.key());
            Map<String, String> v = new HashMap<>();
            v.put("table", t.sqlName());
            v.put("pk_match", Sql.keyMatch(t.key(), "t", "k"));
            return new Target(t, java.util.Set.copyOf(t.columns()), java.util.Set.copyOf(local), new HashMap<>(),
                    new HashMap<>(), Sql.render("target/delete.sql", v));
        });
    }

    /**
     * The upsert of rows that have {@code columns}: it sets those the target has and does not
     * compute (a generated column computes its own value) or assign itself (its own primary key,
     * two-way sync with --key: a new row gets it from its default), and leaves the others as they are.
     */
    private static String upsert(Target target, List<String> columns) {
        return target.upserts().computeIfAbsent(columns, cs -> {
            Table t = target.table();
            List<String> set = written(target, cs);
            List<String> rest = new ArrayList<>(set);
            rest.removeAll(t.key());
            Map<String, String> v = new HashMap<>();
            v.put("table", t.sqlName());
            v.put("columns", Sql.idents(set));
            v.put("pk", Sql.idents(t.key()));
            v.put("on_conflict", rest.isEmpty() ? "NOTHING" : "UPDATE SET " + String.join(", ",
                    rest.stream().map(c -> Sql.ident(c) + " = EXCLUDED." + Sql.ident(c)).toList()));
            return Sql.render("target/upsert.sql", v);
        });
    }

    /** The columns an upsert of rows that have {@code columns} writes (see {@link #upsert}). */
    private static List<String> written(Target target, List<String> columns) {
        Table t = target.table();
        return t.definition().stream()
                .filter(c -> c.generated() == null && !target.local().contains(c.name())
                        && (columns.contains(c.name()) || t.key().contains(c.name())))
                .map(Table.Column::name).toList();
    }

    /** Two-way sync: the insert of rows that have {@code columns} whose key has no row yet (claim_rows.sql). */
    private static String claim(Target target, List<String> columns) {
        return target.claims().computeIfAbsent(columns, cs -> {
            Table t = target.table();
            List<String> set = written(target, cs);
            Map<String, String> v = new HashMap<>();
            v.put("table", t.sqlName());
            v.put("columns", Sql.idents(set));
            v.put("r_columns", Sql.keyList(set, "(r.p)"));
            v.put("r_pk", Sql.keyList(t.key(), "(r.p)"));
            v.put("pk", Sql.idents(t.key()));
            v.put("r_match", Sql.keyMatch(t.key(), "(r.p)", "t"));
            return Sql.render("target/claim_rows.sql", v);
        });
    }

    /**
     * Two-way sync: inserts the incoming rows at {@code absent} (places in {@code list} whose key had
     * no row) unless a local writer inserted the key meanwhile (claim_rows.sql waits for one that has
     * not committed yet); returns the places of the rows it inserted.
     */
    private Set<Integer> claim(Handle tx, Target target, List<ChangeEvent> list, List<Integer> absent) {
        Map<List<String>, List<Integer>> byColumns = new LinkedHashMap<>();
        for (int i : absent) {
            byColumns.computeIfAbsent(list.get(i).columns(), c -> new ArrayList<>()).add(i);
        }
        Set<Integer> claimed = new java.util.HashSet<>();
        for (var g : byColumns.entrySet()) {
            StringJoiner rows = new StringJoiner(",", "[", "]");
            g.getValue().forEach(i -> rows.add(list.get(i).after()));
            tx.createQuery(claim(target, g.getKey())).bind("rows", rows.toString()).mapTo(Integer.class)
                    .forEach(ord -> claimed.add(g.getValue().get(ord - 1)));
        }
        return claimed;
    }

    /** The target table an event names ("schema.table"); a missing one is a {@link Failure}. */
    private static Table existing(Handle h, String qualified) {
        String[] n = Table.parseName(qualified);
        return Table.find(h, n[0], n[1]).orElseThrow(() -> Failure.precondition(
                "target table " + qualified + " does not exist (run: cdc setup)"));
    }

    /** Forgets table definitions (after a reconnect, in case the target changed). */
    public void forgetTables() {
        targets.clear();
        twoWay = null;
        tables = null;
    }

    /**
     * Two-way sync: the changes that win against the local versions of their rows. A change made
     * on the same side as the local version follows it (events of a side come in order); one from
     * the other side wins when its version is later, or equal and its side's name sorts first.
     * A change that loses is a conflict: the other side made it without knowing of the local
     * change (it would have made its version later, see two_way.sql), and that side, receiving the
     * local change, takes it. Each is recorded with both versions in cdc.conflicts and logged. A
     * change without a version (a snapshot's) fills only rows that have none here.
     */
    private List<ChangeEvent> resolve(Handle tx, List<ChangeEvent> changes) {
        Map<String, List<ChangeEvent>> byTable = new LinkedHashMap<>();
        changes.forEach(e -> byTable.computeIfAbsent(e.table(), t -> new ArrayList<>()).add(e));
        List<ChangeEvent> kept = new ArrayList<>(changes.size());
        for (var entry : byTable.entrySet()) {
            List<ChangeEvent> list = entry.getValue();
            Target target = target(tx, entry.getKey());
            Map<String, String> sql = twoWaySql(target.table());
            String keys = keys(list);
            // rows first, then versions: the writers' order
            String lockRows = Sql.render("target/lock_rows.sql", sql);
            Set<Integer> existing = new java.util.HashSet<>(tx.createQuery(lockRows).bind("keys", keys).mapTo(Integer.class).list());
            List<Integer> absent = new ArrayList<>();
            for (int i = 0; i < list.size(); i++) {
                if (list.get(i).after() != null && !existing.contains(i + 1)) {
                    absent.add(i);
                }
            }
            Set<Integer> claimed = claim(tx, target, list, absent);
            if (claimed.size() < absent.size()) { // inserted here meanwhile, and committed: lock those too
                tx.createQuery(lockRows).bind("keys", keys).mapTo(Integer.class).list();
            }
            long[] localVersion = new long[list.size()];
            String[] localOrigin = new String[list.size()];
            for (Map<String, Object> r : tx.createQuery(Sql.render("target/read_versions.sql", sql)).bind("keys", keys)
                    .mapToMap().list()) {
                int i = ((Number) r.get("ord")).intValue() - 1;
                localVersion[i] = ((Number) r.get("cdc_version")).longValue();
                localOrigin[i] = (String) r.get("cdc_origin");
            }
            List<Integer> lost = new ArrayList<>();
            for (int i = 0; i < list.size(); i++) {
                ChangeEvent e = list.get(i);
                String origin = e.sourceName() == null ? "" : e.sourceName();
                if (localOrigin[i] == null || localOrigin[i].equals(origin)) {
                    kept.add(e);
                } else if (e.version() >= 0 && (e.version() > localVersion[i]
                        || e.version() == localVersion[i] && origin.compareTo(localOrigin[i]) < 0)) {
                    kept.add(e);
                } else if (e.version() >= 0) {
                    lost.add(i);
                }
            }
            List<ChangeEvent> unclaim = lost.stream().filter(claimed::contains).map(list::get).toList();
            if (!unclaim.isEmpty()) { // inserted above, and lost against a local delete: gone again
                tx.createUpdate(target.delete()).bind("keys", keys(unclaim)).execute();
            }
            if (!lost.isEmpty()) {
                logConflicts(tx, sql, lost.stream().map(list::get).toList(),
                        lost.stream().map(i -> localOrigin[i]).toList(), lost.stream().map(i -> localVersion[i]).toList());
            }
        }
        return kept;
    }

    private void logConflicts(Handle tx, Map<String, String> sql, List<ChangeEvent> lost, List<String> localOrigin,
                              List<Long> localVersion) {
        Map<Integer, String> localRows = new HashMap<>();
        tx.createQuery(Sql.render("target/local_rows.sql", sql)).bind("keys", keys(lost))
                .map((rs, ctx) -> localRows.put(rs.getInt("ord") - 1, rs.getString("row"))).list();
        ArrayNode rows = Json.MAPPER.createArrayNode();
        for (int i = 0; i < lost.size(); i++) {
            ChangeEvent e = lost.get(i);
            String local = localRows.get(i);
            try {
                rows.addObject().put("table_name", e.table()).<ObjectNode>set("key", Json.MAPPER.readTree(e.key()))
                        .put("local_origin", localOrigin.get(i)).put("local_version", localVersion.get(i))
                        .<ObjectNode>set("local_row", local == null ? null : Json.MAPPER.readTree(local))
                        .put("incoming_origin", e.sourceName()).put("incoming_version", e.version())
                        .set("incoming_row", e.after() == null ? null : Json.MAPPER.readTree(e.after()));
            } catch (com.fasterxml.jackson.core.JsonProcessingException ex) {
                throw new IllegalStateException(ex);
            }
            log.warn("conflict on {} {}: kept the version of {} ({}) over the later-arriving one of {} ({}); "
                            + "local row {}, incoming row {}", e.table(), e.key(), localOrigin.get(i),
                    Instant.EPOCH.plusNanos(localVersion.get(i) * 1000), e.sourceName(),
                    Instant.EPOCH.plusNanos(e.version() * 1000), excerpt(local), excerpt(e.after()));
        }
        tx.createUpdate(Sql.load("target/log_conflicts.sql")).bind("group_id", group).bind("topic", topic)
                .bind("conflicts", Json.write(rows)).execute();
    }

    private static String excerpt(String row) {
        return row == null ? "(deleted)" : row.length() > 300 ? row.substring(0, 300) + "..." : row;
    }

    /** Two-way sync: stores the versions of the changes applied (key, version, side). */
    private void writeVersions(Handle tx, List<ChangeEvent> applied) {
        Map<String, StringJoiner> rows = new LinkedHashMap<>();
        for (ChangeEvent e : applied) {
            String row = Json.withFields(e.key(), "\"cdc_version\":" + Math.max(0, e.version())
                    + ",\"cdc_origin\":" + Json.quoted(e.sourceName() == null ? "" : e.sourceName()));
            rows.computeIfAbsent(e.table(), t -> new StringJoiner(",", "[", "]")).add(row);
        }
        rows.forEach((table, json) -> tx.createUpdate(Sql.render("target/write_versions.sql",
                twoWaySql(target(tx, table).table()))).bind("rows", json.toString()).execute());
    }

    private static String keys(List<ChangeEvent> changes) {
        StringJoiner keys = new StringJoiner(",", "[", "]");
        changes.forEach(e -> keys.add(e.key()));
        return keys.toString();
    }

    private Map<String, String> twoWaySql(Table t) {
        Map<String, String> v = new HashMap<>();
        v.put("table", t.sqlName());
        v.put("versions", twoWay.orElseThrow().versions());
        v.put("pk", Sql.idents(t.key()));
        v.put("pk_match", Sql.keyMatch(t.key(), "t", "k"));
        v.put("v_match", Sql.keyMatch(t.key(), "v", "k"));
        v.put("pk_t", Sql.keyList(t.key(), "t"));
        v.put("pk_v", Sql.keyList(t.key(), "v"));
        return v;
    }
}
