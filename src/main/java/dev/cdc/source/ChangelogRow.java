package dev.cdc.source;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.cdc.base.Json;
import dev.cdc.event.EventKey;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One row of a changelog: the changes one statement made (or a chunk of them), as the capture
 * triggers wrote them (see {@code sql/source/capture.sql}). Splits them into single changes, each
 * with its key, keeping the row's JSON text exactly as PostgreSQL wrote it.
 *
 * @param data I and U: a JSON array of row objects; D: the keys, column by column,
 *             {@code {"id": [1, 2, 3]}}; T (the table was truncated): {@code {}}
 * @param version two-way sync: the changes' version (see {@code two_way.sql}); else -1
 */
public record ChangelogRow(long seq, String txid, char op, long tsMs, int n, String data, long version) {

    /** Receives the changes of a row, in order; {@code index} counts from 0. */
    public interface Changes {
        void accept(int index, String key, String row);
    }

    /**
     * Calls {@code out} for every change in this row. The key is the JSON object of the key columns
     * in {@code keyColumns} order, written the same way whatever op carried it (the Kafka key, so
     * every change of one row lands in one partition); {@code row} is null for a delete.
     */
    public void forEach(List<String> keyColumns, Changes out) {
        try (JsonParser p = Json.MAPPER.createParser(data)) {
            int count = op == 'D' ? keys(p, keyColumns, out) : rows(p, keyColumns, out);
            if (count != n) {
                throw malformed("holds " + count + " changes, not " + n);
            }
        } catch (IOException e) {
            throw malformed("is not valid JSON: " + e.getMessage());
        }
    }

    private int rows(JsonParser p, List<String> keyColumns, Changes out) throws IOException {
        expect(p.nextToken(), JsonToken.START_ARRAY);
        int index = 0;
        String[] key = new String[keyColumns.size()];
        for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
            expect(t, JsonToken.START_OBJECT);
            int start = (int) p.currentTokenLocation().getCharOffset();
            EventKey.fields(p, keyColumns, key);
            int end = (int) p.currentTokenLocation().getCharOffset() + 1;
            out.accept(index++, keyObject(keyColumns, key), data.substring(start, end));
        }
        return index;
    }

    /** The column names of this row's first change (I and U; all of a row's changes have the same). */
    public List<String> columns() {
        List<String> names = new ArrayList<>();
        if (op != 'I' && op != 'U') {
            return names;
        }
        try (JsonParser p = Json.MAPPER.createParser(data)) {
            if (p.nextToken() == JsonToken.START_ARRAY && p.nextToken() == JsonToken.START_OBJECT) {
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    names.add(p.currentName());
                    p.nextToken();
                    p.skipChildren();
                }
            }
            return names;
        } catch (IOException e) {
            throw malformed("is not valid JSON: " + e.getMessage());
        }
    }

    private int keys(JsonParser p, List<String> keyColumns, Changes out) throws IOException {
        expect(p.nextToken(), JsonToken.START_OBJECT);
        Map<String, List<String>> columns = new HashMap<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            expect(p.nextToken(), JsonToken.START_ARRAY);
            List<String> values = new ArrayList<>(n);
            while (p.nextToken() != JsonToken.END_ARRAY) {
                values.add(EventKey.canonical(p));
            }
            columns.put(name, values);
        }
        String[] key = new String[keyColumns.size()];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < key.length; k++) {
                List<String> values = columns.get(keyColumns.get(k));
                key[k] = values == null || values.size() <= i ? null : values.get(i);
            }
            out.accept(i, keyObject(keyColumns, key), null);
        }
        return columns.values().stream().mapToInt(List::size).max().orElse(0);
    }

    /** The key object; a change without a key column is a malformed row. */
    private String keyObject(List<String> keyColumns, String[] values) {
        String missing = EventKey.missing(keyColumns, values);
        if (missing != null) {
            throw malformed("has a change without key column " + missing
                    + " (was the primary key changed? run cdc setup again)");
        }
        return EventKey.object(keyColumns, values);
    }

    private void expect(JsonToken actual, JsonToken expected) {
        if (actual != expected) {
            throw malformed("has " + actual + " where " + expected + " belongs");
        }
    }

    private IllegalStateException malformed(String what) {
        return new IllegalStateException("changelog row " + seq + " (op " + op + ") " + what);
    }
}
