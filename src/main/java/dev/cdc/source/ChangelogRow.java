package dev.cdc.source;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import dev.cdc.base.Json;
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
            keyFields(p, keyColumns, key);
            int end = (int) p.currentTokenLocation().getCharOffset() + 1;
            out.accept(index++, keyObject(keyColumns, key), data.substring(start, end));
        }
        return index;
    }

    /** Reads the fields of the object the parser is at into {@code key}, in key column order. */
    private static void keyFields(JsonParser p, List<String> keyColumns, String[] key) throws IOException {
        java.util.Arrays.fill(key, null);
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            int k = keyColumns.indexOf(p.currentName());
            p.nextToken();
            if (k >= 0) {
                key[k] = canonical(p);
            } else {
                p.skipChildren();
            }
        }
    }

    /**
     * The key of a row given as a JSON object (PostgreSQL's row_to_json of the row or of its key
     * columns), written exactly as {@link #forEach} writes it: the same row has the same key.
     */
    public static String keyOf(List<String> keyColumns, String rowObject) {
        ChangelogRow r = new ChangelogRow(0, "", 'I', 0, 1, rowObject, -1);
        try (JsonParser p = Json.MAPPER.createParser(rowObject)) {
            r.expect(p.nextToken(), JsonToken.START_OBJECT);
            String[] key = new String[keyColumns.size()];
            keyFields(p, keyColumns, key);
            return r.keyObject(keyColumns, key);
        } catch (IOException e) {
            throw r.malformed("is not valid JSON: " + e.getMessage());
        }
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
                values.add(canonical(p));
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

    /** One JSON value as text that depends only on the value (not on spacing or escapes). */
    private static String canonical(JsonParser p) throws IOException {
        return switch (p.currentToken()) {
            case VALUE_STRING -> {
                StringBuilder b = new StringBuilder().append('"');
                JsonStringEncoder.getInstance().quoteAsString(p.getText(), b);
                yield b.append('"').toString();
            }
            case START_OBJECT, START_ARRAY -> Json.MAPPER.writeValueAsString(Json.MAPPER.readTree(p));
            default -> p.getText();
        };
    }

    private String keyObject(List<String> keyColumns, String[] values) {
        StringBuilder b = new StringBuilder(16 * values.length).append('{');
        for (int k = 0; k < values.length; k++) {
            if (values[k] == null) {
                throw malformed("has a change without key column " + keyColumns.get(k)
                        + " (was the primary key changed? run cdc setup again)");
            }
            b.append(k == 0 ? "\"" : ",\"");
            JsonStringEncoder.getInstance().quoteAsString(keyColumns.get(k), b);
            b.append("\":").append(values[k]);
        }
        return b.append('}').toString();
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
