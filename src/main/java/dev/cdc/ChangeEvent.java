package dev.cdc;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * One change of one row, as it travels through Kafka. The value of a Kafka record is this JSON:
 *
 * <pre>
 * {"op":"c","table":"public.employees","key":{"emp_id":7},
 *  "after":{"emp_id":7,"first_name":"Ada",...},
 *  "source":{"epoch":"1f0c…","window":12,"seq":345,"index":0,"txid":"7781","ts_ms":1763800000000}}
 * </pre>
 *
 * {@code op} is c (insert), u (update) or d (delete, {@code after} null). The record's key is the
 * {@code key} object, so every change of a row lands in one partition, in order. {@code window},
 * {@code seq} and {@code index} (the change's place in its changelog row) are the event's position
 * in its source: it grows with every event of a table, so a consumer recognizes an event it has
 * already applied (the producer republishes after a crash).
 * {@code epoch} changes when capture is reinstalled and positions restart. Decoded, {@code key} and
 * {@code after} stay JSON text, and {@code columns} are the names in {@code after}.
 */
public record ChangeEvent(char op, String table, String key, String after, List<String> columns,
                          String epoch, long window, long seq, int index) {

    /** Numbers keep their exact digits (numeric(40,20) stays exact). */
    public static final JsonMapper JSON = JsonMapper.builder(com.fasterxml.jackson.core.JsonFactory.builder()
                    // PostgreSQL values go up to 1 GB, numerics to 131,072 digits
                    .streamReadConstraints(com.fasterxml.jackson.core.StreamReadConstraints.builder()
                            .maxStringLength(Integer.MAX_VALUE).maxNumberLength(Integer.MAX_VALUE)
                            .maxNestingDepth(100_000).build())
                    .build())
            .disable(com.fasterxml.jackson.databind.cfg.JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN)
            .build();

    /**
     * The JSON of one change, built from the text PostgreSQL produced (no parsing).
     *
     * @param changelogOp I, U or D as stored in the changelog
     * @param key         the key object's JSON text
     * @param data        the row's JSON text (ignored for a delete)
     */
    public static String encode(char changelogOp, String table, String key, String data,
                                String epoch, long window, long seq, int index, String txid, long tsMs) {
        char op = switch (changelogOp) {
            case 'I' -> 'c';
            case 'U' -> 'u';
            case 'D' -> 'd';
            default -> throw new IllegalArgumentException("unknown changelog op " + changelogOp);
        };
        StringBuilder b = new StringBuilder((data == null ? 0 : data.length()) + key.length() + 200);
        b.append("{\"op\":\"").append(op).append("\",\"table\":\"");
        JsonStringEncoder.getInstance().quoteAsString(table, b);
        b.append("\",\"key\":").append(key)
                .append(",\"after\":").append(op == 'd' ? "null" : data)
                .append(",\"source\":{\"epoch\":\"").append(epoch)
                .append("\",\"window\":").append(window)
                .append(",\"seq\":").append(seq)
                .append(",\"index\":").append(index)
                .append(",\"txid\":\"").append(txid)
                .append("\",\"ts_ms\":").append(tsMs)
                .append("}}");
        return b.toString();
    }

    /**
     * Reads an event; anything that is not a complete, valid event is an {@link InvalidEvent}. The
     * key and the row stay JSON text, exactly as the producer sent them (PostgreSQL's own text).
     */
    public static ChangeEvent decode(byte[] value) throws InvalidEvent {
        if (value == null) {
            throw new InvalidEvent("empty message (no value)");
        }
        String text = new String(value, StandardCharsets.UTF_8);
        String op = null;
        String table = null;
        String key = null;
        String after = null;
        List<String> columns = new ArrayList<>();
        boolean keyEmpty = true;
        long[] position = null;
        String epoch = null;
        try (JsonParser p = JSON.createParser(text)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new InvalidEvent("not a JSON object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken t = p.nextToken();
                switch (field) {
                    case "op" -> op = string(p, "op");
                    case "table" -> table = string(p, "table");
                    case "key" -> {
                        List<String> keyColumns = new ArrayList<>(1);
                        key = t == JsonToken.START_OBJECT ? object(p, text, keyColumns) : null;
                        keyEmpty = keyColumns.isEmpty();
                    }
                    case "after" -> {
                        columns.clear();
                        after = t == JsonToken.START_OBJECT ? object(p, text, columns) : null;
                    }
                    case "source" -> {
                        if (t != JsonToken.START_OBJECT) {
                            throw new InvalidEvent("source must be an object");
                        }
                        position = new long[] {-1, -1, -1};
                        while (p.nextToken() == JsonToken.FIELD_NAME) {
                            String name = p.currentName();
                            p.nextToken();
                            switch (name) {
                                case "epoch" -> epoch = string(p, "source.epoch");
                                case "window" -> position[0] = number(p, "window");
                                case "seq" -> position[1] = number(p, "seq");
                                case "index" -> position[2] = number(p, "index");
                                default -> p.skipChildren();
                            }
                        }
                    }
                    default -> p.skipChildren();
                }
            }
            if (p.nextToken() != null) {
                throw new InvalidEvent("text after the event");
            }
        } catch (JsonProcessingException e) {
            throw new InvalidEvent("not JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new InvalidEvent("not JSON: " + e.getMessage());
        }
        if (op == null || op.length() != 1 || "cud".indexOf(op.charAt(0)) < 0) {
            throw new InvalidEvent("op must be c, u or d, not " + (op == null ? "missing" : "'" + op + "'"));
        }
        if (table == null) {
            throw new InvalidEvent("table must be a non-empty string");
        }
        if (key == null || keyEmpty) {
            throw new InvalidEvent("key must be a non-empty object");
        }
        if (op.charAt(0) != 'd' && after == null) {
            throw new InvalidEvent("after must be an object for op " + op);
        }
        if (position == null || epoch == null) {
            throw new InvalidEvent("source must be an object with epoch, window, seq and index");
        }
        for (int i = 0; i < 3; i++) {
            if (position[i] < 0) {
                throw new InvalidEvent("source." + new String[] {"window", "seq", "index"}[i] + " is missing");
            }
        }
        if (position[2] > Integer.MAX_VALUE) {
            throw new InvalidEvent("source.index is too large");
        }
        boolean delete = op.charAt(0) == 'd';
        return new ChangeEvent(op.charAt(0), table, key, delete ? null : after, delete ? List.of() : columns,
                epoch, position[0], position[1], (int) position[2]);
    }

    /**
     * The text of the object the parser is at, as it appears in the event; its top-level field
     * names go to {@code fields}.
     */
    private static String object(JsonParser p, String text, List<String> fields) throws IOException {
        int start = (int) p.currentTokenLocation().getCharOffset();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            fields.add(p.currentName());
            p.nextToken();
            p.skipChildren();
        }
        return text.substring(start, (int) p.currentTokenLocation().getCharOffset() + 1);
    }

    private static String string(JsonParser p, String field) throws IOException, InvalidEvent {
        if (p.currentToken() != JsonToken.VALUE_STRING || p.getText().isEmpty()) {
            throw new InvalidEvent(field + " must be a non-empty string");
        }
        return p.getText();
    }

    private static long number(JsonParser p, String field) throws IOException, InvalidEvent {
        if (p.currentToken() != JsonToken.VALUE_NUMBER_INT || p.getNumberType() == JsonParser.NumberType.BIG_INTEGER
                || p.getLongValue() < 0) {
            throw new InvalidEvent("source." + field + " must be a non-negative integer");
        }
        return p.getLongValue();
    }

    /** True when this event sits at or before the given position of the same epoch. */
    public boolean notAfter(String epoch, long window, long seq, int index) {
        return this.epoch.equals(epoch) && (this.window < window || this.window == window
                && (this.seq < seq || this.seq == seq && this.index <= index));
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
