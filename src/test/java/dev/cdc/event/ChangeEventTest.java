package dev.cdc.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cdc.base.Json;
import dev.cdc.db.Table;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChangeEventTest {

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void an_encoded_insert_decodes_to_the_same_change() throws Exception {
        String v = ChangeEvent.encode('I', "public.employees", "{\"emp_id\": 7}",
                "{\"emp_id\": 7, \"city\": \"Zürich \\\"Ost\\\"\", \"salary\": 1000.50}", new Source(null, -1, new Position("e1", 3, 42, 0), "781", 1700000000000L));
        ChangeEvent e = ChangeEvent.decode(bytes(v));
        assertEquals('c', e.op());
        assertEquals("public.employees", e.table());
        assertEquals("{\"emp_id\": 7}", e.key());
        assertEquals("Zürich \"Ost\"", Json.MAPPER.readTree(e.after()).get("city").asText());
        assertEquals("e1", e.epoch());
        assertEquals(3, e.window());
        assertEquals(42, e.seq());
        assertEquals(0, e.index());
        assertEquals(java.util.List.of("emp_id", "city", "salary"), e.columns());
    }

    @Test
    void numbers_keep_every_digit_through_decode_and_encode() throws Exception {
        String big = "12345678901234567890123456789012345678.123456789012345678900";
        String v = ChangeEvent.encode('U', "t", "{\"id\": 1}", "{\"id\": 1, \"n\": " + big + ", \"f\": 1.50}", new Source(null, -1, new Position("e", 1, 1, 0), "1", 0));
        ChangeEvent e = ChangeEvent.decode(bytes(v));
        String json = e.after();
        assertTrue(json.contains(big), json);
        assertTrue(json.contains("1.50"), json);
    }

    @Test
    void a_delete_carries_the_key_and_no_row() throws Exception {
        String v = ChangeEvent.encode('D', "public.employees", "{\"emp_id\": 9}", "{\"emp_id\": 9}", new Source(null, -1, new Position("e", 1, 2, 0), "5", 0));
        ChangeEvent e = ChangeEvent.decode(bytes(v));
        assertEquals('d', e.op());
        assertNull(e.after());
        assertEquals("{\"emp_id\": 9}", e.key());
        assertTrue(v.contains("\"after\":null"));
    }

    @Test
    void a_table_name_is_escaped_as_json() throws Exception {
        String v = ChangeEvent.encode('I', "Sales.\"Order Items\"", "{\"id\": 1}", "{\"id\": 1}", new Source(null, -1, new Position("e", 1, 1, 0), "1", 0));
        assertEquals("Sales.\"Order Items\"", ChangeEvent.decode(bytes(v)).table());
    }

    @Test
    void anything_that_is_not_a_complete_event_is_rejected_with_a_reason() {
        String[] bad = {
            "not json", "[1,2]", "{}", "{\"op\":\"x\"}",
            "{\"op\":\"c\",\"table\":\"t\",\"key\":{\"id\":1},\"after\":null,\"source\":{\"epoch\":\"e\",\"window\":1,\"seq\":1}}",
            "{\"op\":\"c\",\"table\":\"t\",\"key\":{},\"after\":{},\"source\":{\"epoch\":\"e\",\"window\":1,\"seq\":1}}",
            "{\"op\":\"c\",\"table\":\"t\",\"key\":{ \n },\"after\":{},\"source\":{\"epoch\":\"e\",\"window\":1,\"seq\":1}}",
            "{\"op\":\"d\",\"table\":\"t\",\"key\":{\"id\":1},\"source\":{\"epoch\":\"e\",\"window\":-1,\"seq\":1}}",
            "{\"op\":\"d\",\"table\":\"t\",\"key\":{\"id\":1},\"source\":{\"epoch\":\"e\",\"window\":1}}",
            "{\"op\":\"t\",\"table\":\"t\",\"source\":{\"epoch\":\"e\",\"window\":1,\"seq\":1,\"index\":0}}",
            "{\"op\":\"t\",\"table\":\"t\",\"partitions\":0,\"source\":{\"epoch\":\"e\",\"window\":1,\"seq\":1,\"index\":0}}",
            "{\"op\":\"s\",\"table\":\"t\",\"columns\":[],\"source\":{\"epoch\":\"e\",\"window\":1,\"seq\":1,\"index\":0}}",
            "{\"op\":\"s\",\"table\":\"t\",\"columns\":[{\"name\":\"a\"}],\"source\":{\"epoch\":\"e\",\"window\":1,\"seq\":1,\"index\":0}}",
            "{\"op\":\"s\",\"table\":\"t\",\"columns\":[1],\"source\":{\"epoch\":\"e\",\"window\":1,\"seq\":1,\"index\":0}}",
        };
        for (String b : bad) {
            ChangeEvent.InvalidEvent e = assertThrows(ChangeEvent.InvalidEvent.class, () -> ChangeEvent.decode(bytes(b)), b);
            assertFalse(e.getMessage().isBlank());
        }
        assertThrows(ChangeEvent.InvalidEvent.class, () -> ChangeEvent.decode(null));
    }

    @Test
    void positions_compare_within_an_epoch_only() throws Exception {
        ChangeEvent e = ChangeEvent.decode(bytes(ChangeEvent.encode('I', "t", "{\"id\":1}", "{\"id\":1}", new Source(null, -1, new Position("A", 5, 100, 0), "1", 0))));
        assertTrue(e.notAfter("A", 5, 100, 0));
        assertFalse(e.notAfter("A", 5, 99, 0));
        assertTrue(e.notAfter("A", 5, 100, 3));
        assertTrue(e.notAfter("A", 6, 1, 0));
        assertFalse(e.notAfter("A", 5, 99, 7));
        assertFalse(e.notAfter("A", 4, 1000, 0));
        assertFalse(e.notAfter("B", 9, 9, 0), "another epoch: positions restarted");
        ChangeEvent third = ChangeEvent.decode(bytes(ChangeEvent.encode('I', "t", "{\"id\":1}", "{\"id\":1}", new Source(null, -1, new Position("A", 5, 100, 2), "1", 0))));
        assertTrue(third.notAfter("A", 5, 100, 2));
        assertFalse(third.notAfter("A", 5, 100, 1), "a later change of the same changelog row");
    }

    @Test
    void truncate_and_schema_events_have_no_key_and_round_trip() throws Exception {
        ChangeEvent t = ChangeEvent.decode(bytes(ChangeEvent.encodeTruncate("s.t", 3, new Source(null, -1, new Position("A", 5, 100, 0), "9", 0))));
        assertEquals('t', t.op());
        assertEquals(3, t.partitions());
        assertEquals(null, t.key());
        assertTrue(t.notAfter("A", 5, 100, 0));
        Table table = new Table("s", "t", List.of(
                new Table.Column("id", "integer", true, null, null, null, List.of(), null),
                new Table.Column("m", "s.mood", false, null, "s", "mood", List.of("a", "b \"c\""), "\"a\""),
                new Table.Column("g", "integer", false, "GENERATED ALWAYS AS ((id * 2)) STORED", null, null, List.of(), null)),
                List.of("id"));
        ChangeEvent s = ChangeEvent.decode(bytes(ChangeEvent.encodeSchema("s.t", table.definitionJson(), new Source(null, -1, new Position("A", 5, 100, 0), "9", 0))));
        assertEquals('s', s.op());
        assertEquals(table.definition(), s.definition());
        assertEquals(null, s.after());
    }

    @Test
    void a_consolidated_event_carries_its_source_name_in_key_and_row() throws Exception {
        ChangeEvent e = ChangeEvent.decode(bytes(ChangeEvent.encode('U', "public.employees", "{\"emp_id\": 7}",
                "{\"emp_id\": 7, \"salary\": 1.50}", new Source("crm-\"eu\"", 17, new Position("A", 5, 100, 0), "1", 0))));
        assertEquals("crm-\"eu\"", e.sourceName());
        assertEquals(17, e.version());
        ChangeEvent c = e.consolidated("public.all_employees");
        assertEquals("public.all_employees", c.table());
        assertEquals("{\"source_name\":\"crm-\\\"eu\\\"\",\"emp_id\": 7}", c.key());
        assertEquals("crm-\"eu\"", Json.MAPPER.readTree(c.after()).get("source_name").asText());
        assertEquals("1.50", Json.MAPPER.readTree(c.after()).get("salary").decimalValue().toPlainString());
        assertEquals(java.util.List.of("source_name", "emp_id", "salary"), c.columns());

        ChangeEvent unnamed = ChangeEvent.decode(bytes(ChangeEvent.encode('I', "t", "{\"id\":1}", "{\"id\":1}", new Source(null, -1, new Position("A", 5, 100, 0), "1", 0))));
        assertEquals(null, unnamed.sourceName());
        var noName = org.junit.jupiter.api.Assertions.assertThrows(ChangeEvent.InvalidEvent.class,
                () -> unnamed.consolidated("public.all_employees"));
        assertTrue(noName.getMessage().contains("--source-name"), noName.getMessage());
        ChangeEvent clash = ChangeEvent.decode(bytes(ChangeEvent.encode('I', "t", "{\"id\":1}",
                "{\"id\":1,\"source_name\":\"x\"}", new Source("a", -1, new Position("A", 5, 100, 0), "1", 0))));
        org.junit.jupiter.api.Assertions.assertThrows(ChangeEvent.InvalidEvent.class, () -> clash.consolidated("x.y"));
    }
}
