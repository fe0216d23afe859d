package dev.cdc.event;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import dev.cdc.base.Json;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;

/**
 * The key of an event, which is also its Kafka key: the JSON object of the key columns, in key
 * column order, each value written in a form that depends only on the value (not on spacing or
 * escapes). Whoever writes a key, the producer from a changelog row or the consumer from a target
 * row, writes the same text for the same row, so it lands in the same partition.
 */
public final class EventKey {
    private EventKey() {
    }

    /** The key of a row given as a JSON object (row_to_json of the row or of its key columns). */
    public static String of(List<String> keyColumns, String rowObject) {
        try (JsonParser p = Json.MAPPER.createParser(rowObject)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IllegalStateException("not a JSON object: " + rowObject);
            }
            String[] key = new String[keyColumns.size()];
            fields(p, keyColumns, key);
            String missing = missing(keyColumns, key);
            if (missing != null) {
                throw new IllegalStateException("row " + rowObject + " has no key column " + missing);
            }
            return object(keyColumns, key);
        } catch (IOException e) {
            throw new IllegalStateException("not valid JSON: " + e.getMessage(), e);
        }
    }

    /** Reads the fields of the object the parser is at into {@code key}, in key column order. */
    public static void fields(JsonParser p, List<String> keyColumns, String[] key) throws IOException {
        Arrays.fill(key, null);
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

    /** One JSON value as text that depends only on the value (not on spacing or escapes). */
    public static String canonical(JsonParser p) throws IOException {
        return switch (p.currentToken()) {
            case VALUE_STRING -> Json.quoted(p.getText());
            case START_OBJECT, START_ARRAY -> Json.MAPPER.writeValueAsString(Json.MAPPER.readTree(p));
            default -> p.getText();
        };
    }

    /** The first key column without a value, or null. */
    public static String missing(List<String> keyColumns, String[] values) {
        for (int k = 0; k < values.length; k++) {
            if (values[k] == null) {
                return keyColumns.get(k);
            }
        }
        return null;
    }

    /** The key object of canonical values (none missing, see {@link #missing}). */
    public static String object(List<String> keyColumns, String[] values) {
        StringBuilder b = new StringBuilder(16 * values.length).append('{');
        for (int k = 0; k < values.length; k++) {
            b.append(k == 0 ? "\"" : ",\"");
            JsonStringEncoder.getInstance().quoteAsString(keyColumns.get(k), b);
            b.append("\":").append(values[k]);
        }
        return b.append('}').toString();
    }
}
