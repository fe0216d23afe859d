package dev.cdc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;

/**
 * One change of one row, as it travels through Kafka. The value of a Kafka record is this JSON:
 *
 * <pre>
 * {"op":"c","table":"public.employees","key":{"emp_id":7},
 *  "after":{"emp_id":7,"first_name":"Ada",...},
 *  "source":{"epoch":"1f0c…","window":12,"seq":345,"txid":"7781","ts_ms":1763800000000}}
 * </pre>
 *
 * {@code op} is c (insert), u (update) or d (delete, {@code after} null). The record's key is the
 * {@code key} object, so every change of a row lands in one partition, in order. {@code window} and
 * {@code seq} are the event's position in its source: it grows with every event of a table, so a
 * consumer recognizes an event it has already applied (the producer republishes after a crash).
 * {@code epoch} changes when capture is reinstalled and positions restart.
 */
public record ChangeEvent(char op, String table, JsonNode key, JsonNode after,
                          String epoch, long window, long seq) {

    /** Numbers keep their exact digits (numeric(40,20) stays exact). */
    public static final JsonMapper JSON = JsonMapper.builder()
            .disable(com.fasterxml.jackson.databind.cfg.JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN)
            .build();

    /**
     * The JSON of one changelog row, built from the text PostgreSQL produced (no parsing).
     *
     * @param changelogOp I, U or D as stored in the changelog
     * @param key         the key object's JSON text
     * @param data        the row's JSON text (the key's for a delete)
     */
    public static String encode(char changelogOp, String table, String key, String data,
                                String epoch, long window, long seq, String txid, long tsMs) {
        char op = switch (changelogOp) {
            case 'I' -> 'c';
            case 'U' -> 'u';
            case 'D' -> 'd';
            default -> throw new IllegalArgumentException("unknown changelog op " + changelogOp);
        };
        StringBuilder b = new StringBuilder(data.length() + key.length() + 200);
        b.append("{\"op\":\"").append(op).append("\",\"table\":\"");
        JsonStringEncoder.getInstance().quoteAsString(table, b);
        b.append("\",\"key\":").append(key)
                .append(",\"after\":").append(op == 'd' ? "null" : data)
                .append(",\"source\":{\"epoch\":\"").append(epoch)
                .append("\",\"window\":").append(window)
                .append(",\"seq\":").append(seq)
                .append(",\"txid\":\"").append(txid)
                .append("\",\"ts_ms\":").append(tsMs)
                .append("}}");
        return b.toString();
    }

    /** Reads an event; anything that is not a complete, valid event is an {@link InvalidEvent}. */
    public static ChangeEvent decode(byte[] value) throws InvalidEvent {
        if (value == null) {
            throw new InvalidEvent("empty message (no value)");
        }
        JsonNode n;
        try {
            n = JSON.readTree(value);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new InvalidEvent("not JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new InvalidEvent("not JSON: " + e.getMessage());
        }
        if (n == null || !n.isObject()) {
            throw new InvalidEvent("not a JSON object");
        }
        String op = text(n, "op");
        if (op.length() != 1 || "cud".indexOf(op.charAt(0)) < 0) {
            throw new InvalidEvent("op must be c, u or d, not '" + op + "'");
        }
        String table = text(n, "table");
        JsonNode key = n.get("key");
        if (key == null || !key.isObject() || key.isEmpty()) {
            throw new InvalidEvent("key must be a non-empty object");
        }
        JsonNode after = n.get("after");
        if (op.charAt(0) != 'd' && (after == null || !after.isObject())) {
            throw new InvalidEvent("after must be an object for op " + op);
        }
        JsonNode source = n.get("source");
        if (source == null || !source.isObject()) {
            throw new InvalidEvent("source must be an object");
        }
        return new ChangeEvent(op.charAt(0), table, key, op.charAt(0) == 'd' ? null : after,
                text(source, "epoch"), number(source, "window"), number(source, "seq"));
    }

    private static String text(JsonNode n, String field) throws InvalidEvent {
        JsonNode v = n.get(field);
        if (v == null || !v.isTextual() || v.asText().isEmpty()) {
            throw new InvalidEvent(field + " must be a non-empty string");
        }
        return v.asText();
    }

    private static long number(JsonNode n, String field) throws InvalidEvent {
        JsonNode v = n.get(field);
        if (v == null || !v.isIntegralNumber() || !v.canConvertToLong() || v.asLong() < 0) {
            throw new InvalidEvent("source." + field + " must be a non-negative integer");
        }
        return v.asLong();
    }

    /** True when this event sits at or before the given position of the same epoch. */
    public boolean notAfter(String epoch, long window, long seq) {
        return this.epoch.equals(epoch) && (this.window < window || this.window == window && this.seq <= seq);
    }

    public static String toJson(JsonNode node) {
        try {
            return JSON.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A message on the topic that is not a valid event. */
    public static final class InvalidEvent extends Exception {
        public InvalidEvent(String message) {
            super(message);
        }
    }
}
