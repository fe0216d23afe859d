package dev.cdc.target;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cdc.base.Json;
import dev.cdc.event.ChangeEvent;
import dev.cdc.event.Position;
import dev.cdc.event.Source;
import dev.cdc.sink.Decoded;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** Batching on the apply side: collapsing per row, and skipping what was applied already. */
class ApplierPlanTest {
    static final TopicPartition P0 = new TopicPartition("t", 0);
    static final TopicPartition P1 = new TopicPartition("t", 1);

    static Decoded event(TopicPartition tp, long offset, char op, int id, int salary, long window, long seq)
            throws Exception {
        String key = "{\"emp_id\": " + id + "}";
        String data = op == 'D' ? key : "{\"emp_id\": " + id + ", \"salary\": " + salary + "}";
        String v = ChangeEvent.encode(op, "public.employees", key, data, new Source(null, -1, new Position("E", window, seq, 0), "1", 0));
        var r = new ConsumerRecord<>(tp.topic(), tp.partition(), offset, key.getBytes(StandardCharsets.UTF_8),
                v.getBytes(StandardCharsets.UTF_8));
        return new Decoded(r, ChangeEvent.decode(r.value()));
    }

    static com.fasterxml.jackson.databind.JsonNode json(String text) {
        try {
            return Json.MAPPER.readTree(text);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static Map<Integer, ApplyPlan.Stored> fresh(int... partitions) {
        Map<Integer, ApplyPlan.Stored> m = new HashMap<>();
        for (int p : partitions) {
            m.put(p, new ApplyPlan.Stored(-1, null, 0, 0, 0));
        }
        return m;
    }

    @Test
    void the_last_change_of_each_row_wins() throws Exception {
        Map<TopicPartition, List<Decoded>> batch = new LinkedHashMap<>();
        batch.put(P0, List.of(event(P0, 0, 'I', 1, 10, 1, 1), event(P0, 1, 'U', 1, 11, 1, 2),
                event(P0, 2, 'I', 2, 20, 1, 3), event(P0, 3, 'D', 1, 0, 2, 4), event(P0, 4, 'I', 1, 12, 2, 5)));
        batch.put(P1, List.of(event(P1, 0, 'I', 3, 30, 1, 6), event(P1, 1, 'D', 3, 0, 1, 7)));
        var stored = fresh(0, 1);
        ApplyPlan plan = ApplyPlan.of(batch, stored, new HashMap<>());
        assertEquals(7, plan.events());
        assertEquals(0, plan.skipped());
        List<String> got = new ArrayList<>();
        plan.changes().forEach(e -> got.add(e.op() + "" + json(e.key()).get("emp_id") + (e.after() == null ? "" : ":" + json(e.after()).get("salary"))));
        assertEquals(List.of("c2:20", "c1:12", "d3"), got);
        assertEquals(5, stored.get(0).nextOffset);
        assertEquals(2, stored.get(1).nextOffset);
        assertEquals(5, stored.get(0).position(new ApplyPlan.Origin("", "E")).seq());
    }

    @Test
    void records_below_the_stored_offset_were_applied_already() throws Exception {
        Map<TopicPartition, List<Decoded>> batch = Map.of(P0,
                List.of(event(P0, 5, 'I', 1, 10, 1, 1), event(P0, 6, 'I', 2, 20, 1, 2), event(P0, 7, 'I', 3, 30, 1, 3)));
        var stored = Map.of(0, new ApplyPlan.Stored(7, "E", 1, 2, 0));
        ApplyPlan plan = ApplyPlan.of(batch, stored, new HashMap<>());
        assertEquals(1, plan.events());
        assertEquals(2, plan.skipped());
        assertEquals(3, json(plan.changes().get(0).key()).get("emp_id").asInt());
        assertEquals(8, stored.get(0).nextOffset);
    }

    @Test
    void a_republished_event_is_skipped_by_its_position() throws Exception {
        // the producer crashed after Kafka acknowledged seqs 1-2 and republished them
        Map<TopicPartition, List<Decoded>> batch = Map.of(P0, List.of(
                event(P0, 2, 'I', 1, 10, 1, 1), event(P0, 3, 'U', 1, 11, 1, 2), event(P0, 4, 'U', 1, 12, 1, 3)));
        var stored = Map.of(0, new ApplyPlan.Stored(2, "E", 1, 2, 0));
        ApplyPlan plan = ApplyPlan.of(batch, stored, new HashMap<>());
        assertEquals(1, plan.events());
        assertEquals(2, plan.skipped());
        assertEquals(12, json(plan.changes().get(0).after()).get("salary").asInt());
        assertEquals(5, stored.get(0).nextOffset, "the duplicates' offsets are consumed too");
    }

    @Test
    void reading_past_a_gap_seeks_back_and_applies_nothing_of_that_partition() throws Exception {
        Map<TopicPartition, List<Decoded>> batch = new LinkedHashMap<>();
        batch.put(P0, List.of(event(P0, 10, 'I', 1, 10, 1, 1)));
        batch.put(P1, List.of(event(P1, 0, 'I', 2, 20, 1, 2)));
        var stored = new HashMap<>(Map.of(0, new ApplyPlan.Stored(4, "E", 0, 0, 0), 1, new ApplyPlan.Stored(-1, null, 0, 0, 0)));
        Map<TopicPartition, Long> soughtBack = new HashMap<>();
        ApplyPlan plan = ApplyPlan.of(batch, stored, soughtBack);
        assertEquals(Map.of(P0, 4L), plan.seeks());
        assertEquals(1, plan.changes().size());
        assertEquals(2, json(plan.changes().get(0).key()).get("emp_id").asInt());
        assertTrue(!stored.get(0).touched);

        // sought back, the same gap again: nothing lies in it (transaction markers), so it is crossed
        Map<TopicPartition, List<Decoded>> again = Map.of(P0, List.of(event(P0, 10, 'I', 1, 10, 1, 1)));
        ApplyPlan crossed = ApplyPlan.of(again, new HashMap<>(Map.of(0, new ApplyPlan.Stored(4, "E", 0, 0, 0))), soughtBack);
        assertTrue(crossed.seeks().isEmpty());
        assertEquals(1, crossed.events());
    }

    static Decoded marker(TopicPartition tp, long offset, String value) throws Exception {
        var r = new ConsumerRecord<byte[], byte[]>(tp.topic(), tp.partition(), offset, null, value.getBytes(StandardCharsets.UTF_8));
        return new Decoded(r, ChangeEvent.decode(r.value()));
    }

    @Test
    void a_truncate_drops_the_partitions_earlier_changes_and_keeps_the_later_ones() throws Exception {
        Map<TopicPartition, List<Decoded>> batch = new LinkedHashMap<>();
        batch.put(P0, List.of(event(P0, 0, 'I', 1, 10, 1, 1), event(P0, 1, 'I', 2, 20, 1, 2),
                marker(P0, 2, ChangeEvent.encodeTruncate("public.employees", 2, new Source(null, -1, new Position("E", 1, 3, 0), "1", 0))),
                event(P0, 3, 'I', 2, 21, 1, 4)));
        batch.put(P1, List.of(event(P1, 0, 'I', 3, 30, 1, 1),
                marker(P1, 1, ChangeEvent.encodeSchema("public.employees", "[{\"name\":\"x\",\"type\":\"int\"}]",
                        new Source(null, -1, new Position("E", 1, 2, 0), "1", 0))),
                event(P1, 2, 'I', 4, 40, 1, 5)));
        var stored = fresh(0, 1);
        ApplyPlan plan = ApplyPlan.of(batch, stored, new HashMap<>());
        assertEquals(List.of(new ApplyPlan.Truncate("public.employees", 2, null, new java.util.TreeSet<>(List.of(0)))), plan.truncates());
        List<String> got = new ArrayList<>();
        plan.changes().forEach(e -> got.add(json(e.key()).get("emp_id") + ":" + json(e.after()).get("salary")));
        assertEquals(List.of("2:21", "3:30", "4:40"), got, "only what came after the truncate in its partition");
        assertEquals(6, plan.events(), "the truncate is an event, the schema announcement is not");
        assertEquals(4, stored.get(0).nextOffset);
        assertEquals(3, stored.get(1).nextOffset);

        // applied already (republished after a crash): the truncate is skipped like any change
        Map<TopicPartition, List<Decoded>> again = Map.of(P0, List.of(
                marker(P0, 7, ChangeEvent.encodeTruncate("public.employees", 2, new Source(null, -1, new Position("E", 1, 3, 0), "1", 0)))));
        ApplyPlan skipped = ApplyPlan.of(again, new HashMap<>(Map.of(0, new ApplyPlan.Stored(7, "E", 1, 4, 0))), new HashMap<>());
        assertTrue(skipped.truncates().isEmpty());
        assertEquals(1, skipped.skipped());
    }

    /** An event of the source named {@code source} (its own epoch), consolidated or not. */
    static Decoded named(String source, boolean consolidate, TopicPartition tp, long offset, char op, int id,
                                 long seq) throws Exception {
        String key = "{\"emp_id\": " + id + "}";
        String v = op == 'T' ? ChangeEvent.encodeTruncate("public.employees", 1, new Source(source, -1, new Position("E" + source, 1, seq, 0), "1", 0))
                : ChangeEvent.encode(op, "public.employees", key, op == 'D' ? key : "{\"emp_id\": " + id + ", \"salary\": "
                + seq + "}", new Source(source, -1, new Position("E" + source, 1, seq, 0), "1", 0));
        var r = new ConsumerRecord<>(tp.topic(), tp.partition(), offset, key.getBytes(StandardCharsets.UTF_8),
                v.getBytes(StandardCharsets.UTF_8));
        ChangeEvent e = ChangeEvent.decode(r.value());
        return new Decoded(r, consolidate ? e.consolidated("public.all_employees") : e);
    }

    @Test
    void positions_are_kept_per_source_when_sources_share_a_partition() throws Exception {
        // sources a and b write to one topic; a's producer crashed after Kafka acknowledged seqs 1-2,
        // so they come again after b's events: still applied already
        Map<TopicPartition, List<Decoded>> batch = Map.of(P0, List.of(
                named("a", false, P0, 0, 'I', 1, 1), named("a", false, P0, 1, 'U', 1, 2),
                named("b", false, P0, 2, 'I', 7, 1),
                named("a", false, P0, 3, 'I', 1, 1), named("a", false, P0, 4, 'U', 1, 2), named("a", false, P0, 5, 'D', 1, 3),
                named("b", false, P0, 6, 'I', 7, 1)));
        var stored = fresh(0);
        ApplyPlan plan = ApplyPlan.of(batch, stored, new HashMap<>());
        assertEquals(4, plan.events());
        assertEquals(3, plan.skipped());
        assertEquals(3, stored.get(0).position(new ApplyPlan.Origin("a", "Ea")).seq());
        assertEquals(1, stored.get(0).position(new ApplyPlan.Origin("b", "Eb")).seq());
        assertEquals(Position.NONE, stored.get(0).position(new ApplyPlan.Origin("", "E")), "no unnamed source was seen");
        assertEquals(Set.of(new ApplyPlan.Origin("a", "Ea"), new ApplyPlan.Origin("b", "Eb")), ApplyPlan.origins(batch));
    }

    /** An event of table {@code table} of a source without a name, whose capture has epoch {@code epoch}. */
    static Decoded ofTable(String table, String epoch, long offset, int id, long window, long seq) throws Exception {
        String key = "{\"id\": " + id + "}";
        String v = ChangeEvent.encode('U', table, key, "{\"id\": " + id + ", \"seq\": " + seq + "}",
                new Source(null, -1, new Position(epoch, window, seq, 0), "1", 0));
        var r = new ConsumerRecord<>(P0.topic(), P0.partition(), offset, key.getBytes(StandardCharsets.UTF_8),
                v.getBytes(StandardCharsets.UTF_8));
        return new Decoded(r, ChangeEvent.decode(r.value()));
    }

    @Test
    void tables_sharing_a_topic_keep_a_position_each() throws Exception {
        // one producer, tables a and b (each capture its own epoch) in one partition; a's page of
        // seqs 1-2 was republished after b's events (the producer crashed after Kafka's ack)
        Map<TopicPartition, List<Decoded>> batch = Map.of(P0, List.of(
                ofTable("s.a", "Ea", 0, 1, 1, 1), ofTable("s.a", "Ea", 1, 1, 1, 2),
                ofTable("s.b", "Eb", 2, 7, 4, 9),
                ofTable("s.a", "Ea", 3, 1, 1, 1), ofTable("s.a", "Ea", 4, 1, 1, 2), ofTable("s.a", "Ea", 5, 1, 2, 3),
                ofTable("s.b", "Eb", 6, 7, 4, 9), ofTable("s.b", "Eb", 7, 7, 5, 10)));
        var stored = fresh(0);
        ApplyPlan plan = ApplyPlan.of(batch, stored, new HashMap<>());
        assertEquals(5, plan.events());
        assertEquals(3, plan.skipped());
        List<String> got = new ArrayList<>();
        plan.changes().forEach(e -> got.add(e.table() + ":" + json(e.after()).get("seq")));
        assertEquals(List.of("s.a:3", "s.b:10"), got);
        assertEquals(Map.of(new ApplyPlan.Origin("", "Ea"), new Position("Ea", 2, 3, 0),
                new ApplyPlan.Origin("", "Eb"), new Position("Eb", 5, 10, 0)), stored.get(0).advanced());
    }

    @Test
    void a_position_stored_before_epochs_had_their_own_counts_for_its_epoch_only() throws Exception {
        // an older cdc stored the unnamed source's last position (epoch Ea, window 1, seq 2) in columns
        Map<TopicPartition, List<Decoded>> batch = Map.of(P0, List.of(
                ofTable("s.a", "Ea", 8, 1, 1, 2), ofTable("s.b", "Eb", 9, 7, 1, 1), ofTable("s.a", "Ea", 10, 1, 1, 3)));
        var stored = Map.of(0, new ApplyPlan.Stored(8, "Ea", 1, 2, 0));
        ApplyPlan plan = ApplyPlan.of(batch, stored, new HashMap<>());
        assertEquals(2, plan.events());
        assertEquals(1, plan.skipped());
        assertEquals(Set.of(new ApplyPlan.Origin("", "Ea"), new ApplyPlan.Origin("", "Eb")), stored.get(0).advanced().keySet());
    }

    @Test
    void a_consolidated_truncate_deletes_only_its_sources_rows() throws Exception {
        Map<TopicPartition, List<Decoded>> batch = Map.of(P0, List.of(
                named("a", true, P0, 0, 'I', 1, 1), named("b", true, P0, 1, 'I', 1, 1),
                named("a", true, P0, 2, 'T', 0, 2), named("b", true, P0, 3, 'U', 2, 2)));
        ApplyPlan plan = ApplyPlan.of(batch, fresh(0), new HashMap<>(), true);
        assertEquals(List.of(new ApplyPlan.Truncate("public.all_employees", 1, "a", new java.util.TreeSet<>(List.of(0)))),
                plan.truncates());
        List<String> got = new ArrayList<>();
        plan.changes().forEach(e -> got.add(json(e.key()).get("source_name").asText() + ":" + json(e.key()).get("emp_id")
                + ":" + json(e.after()).get("source_name").asText()));
        assertEquals(List.of("b:1:b", "b:2:b"), got);
    }
}
