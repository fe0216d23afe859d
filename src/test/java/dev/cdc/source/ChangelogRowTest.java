package dev.cdc.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cdc.event.EventKey;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Splitting a changelog row (one statement's changes) into single changes with their keys. */
class ChangelogRowTest {

    static List<String[]> split(char op, int n, String data, String... key) {
        List<String[]> out = new ArrayList<>();
        new ChangelogRow(1, "7", op, 0, n, data, -1).forEach(List.of(key),
                (index, k, row) -> out.add(new String[] {String.valueOf(index), k, row}));
        return out;
    }

    @Test
    void rows_keep_their_exact_text_and_get_their_key() {
        String a = "{\"id\":1,\"n\":1.50,\"j\":{\"b\" : [1, 2]},\"t\":\"Zürich \\\"Ost\\\" \\u0001 😀\"}";
        String b = "{\"t\":null,\"id\":2,\"n\":12345678901234567890123456789012345678.123456789012345678900}";
        List<String[]> out = split('I', 2, "[" + a + ", \n " + b + "]", "id");
        assertEquals(2, out.size());
        assertEquals("0", out.get(0)[0]);
        assertEquals("{\"id\":1}", out.get(0)[1]);
        assertEquals(a, out.get(0)[2]);
        assertEquals("1", out.get(1)[0]);
        assertEquals("{\"id\":2}", out.get(1)[1]);
        assertEquals(b, out.get(1)[2]);
    }

    @Test
    void a_deleted_key_is_written_like_the_key_of_an_inserted_row() {
        String row = "{\"b\":\"x\\u00e9\\\"y\",\"a\":10,\"v\":true}";
        String inserted = split('U', 1, "[" + row + "]", "a", "b").get(0)[1];
        List<String[]> deleted = split('D', 2, "{\"a\":[10, 11],\"b\":[\"xé\\\"y\",\"z\"]}", "a", "b");
        assertEquals(inserted, deleted.get(0)[1]);
        assertEquals("{\"a\":10,\"b\":\"xé\\\"y\"}", inserted);
        assertEquals("{\"a\":11,\"b\":\"z\"}", deleted.get(1)[1]);
        assertNull(deleted.get(0)[2]);
    }

    @Test
    void a_row_that_does_not_match_its_count_or_lacks_a_key_is_an_error() {
        IllegalStateException count = assertThrows(IllegalStateException.class,
                () -> split('I', 3, "[{\"id\":1},{\"id\":2}]", "id"));
        assertTrue(count.getMessage().contains("holds 2 changes, not 3"), count.getMessage());
        IllegalStateException key = assertThrows(IllegalStateException.class,
                () -> split('I', 1, "[{\"other\":1}]", "id"));
        assertTrue(key.getMessage().contains("without key column id"), key.getMessage());
        assertThrows(IllegalStateException.class, () -> split('D', 2, "{\"a\":[1,2],\"b\":[1]}", "a", "b"));
        assertThrows(IllegalStateException.class, () -> split('I', 1, "[{\"id\":1}", "id"));
    }

    @Test
    void a_key_recomputed_from_a_row_is_the_key_the_changes_had() {
        List<String> keys = new java.util.ArrayList<>();
        new ChangelogRow(1, "1", 'I', 0, 1, "[{\"b\":\"x\\u00fc\\\"y\",\"v\":[1, 2],\"a\":1.50}]", -1)
                .forEach(List.of("a", "b"), (i, key, row) -> keys.add(key));
        assertEquals(keys.get(0), EventKey.of(List.of("a", "b"), "{\"a\" : 1.50, \"b\" : \"xü\\\"y\"}"));
        assertEquals("{\"a\":1.50,\"b\":\"xü\\\"y\"}", keys.get(0));
    }
}
