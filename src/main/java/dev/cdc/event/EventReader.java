package dev.cdc.event;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import dev.cdc.base.Json;
import dev.cdc.db.Table;
import dev.cdc.event.ChangeEvent.InvalidEvent;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads one event from a record's value; anything that is not a complete, valid event is an
 * {@link InvalidEvent} saying what is wrong. The key and the row stay JSON text, exactly as the
 * producer sent them (PostgreSQL's own text).
 */
final class EventReader {
    private final String text;
    private String op;
    private String table;
    private String key;
    private boolean keyEmpty = true;
    private String after;
    private final List<String> columns = new ArrayList<>();
    private long partitions;
    private List<Table.Column> definition;
    /** window, seq and index; null: no source object. */
    private long[] position;
    private String epoch;
    private String sourceName;
    private long version = -1;
    private long tsMs = -1;

    private EventReader(String text) {
        this.text = text;
    }

    static ChangeEvent read(byte[] value) throws InvalidEvent {
        if (value == null) {
            throw new InvalidEvent("empty message (no value)");
        }
        EventReader r = new EventReader(new String(value, StandardCharsets.UTF_8));
        try (JsonParser p = Json.MAPPER.createParser(r.text)) {
            r.readObject(p);
        } catch (JsonProcessingException e) {
            throw new InvalidEvent("not JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new InvalidEvent("not JSON: " + e.getMessage());
        }
        r.check();
        return r.event();
    }

    private void readObject(JsonParser p) throws IOException, InvalidEvent {
        if (p.nextToken() != JsonToken.START_OBJECT) {
            throw new InvalidEvent("not a JSON object");
        }
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            readField(p, field, p.nextToken());
        }
        if (p.nextToken() != null) {
            throw new InvalidEvent("text after the event");
        }
    }

    private void readField(JsonParser p, String field, JsonToken t) throws IOException, InvalidEvent {
        switch (field) {
            case "op" -> op = string(p, "op");
            case "table" -> table = string(p, "table");
            case "key" -> {
                List<String> keyColumns = new ArrayList<>(1);
                key = t == JsonToken.START_OBJECT ? object(p, keyColumns) : null;
                keyEmpty = keyColumns.isEmpty();
            }
            case "after" -> {
                columns.clear();
                after = t == JsonToken.START_OBJECT ? object(p, columns) : null;
            }
            case "partitions" -> partitions = t == JsonToken.VALUE_NUMBER_INT ? number(p, "partitions") : 0;
            case "columns" -> definition = columns(p, t);
            case "source" -> readSource(p, t);
            default -> p.skipChildren();
        }
    }

    private static List<Table.Column> columns(JsonParser p, JsonToken t) throws IOException, InvalidEvent {
        if (t != JsonToken.START_ARRAY) {
            throw new InvalidEvent("columns must be an array");
        }
        try {
            return List.of(Json.MAPPER.readValue(p, Table.Column[].class));
        } catch (JsonProcessingException e) {
            throw new InvalidEvent("columns is not a list of columns: " + e.getOriginalMessage());
        }
    }

    private void readSource(JsonParser p, JsonToken t) throws IOException, InvalidEvent {
        if (t != JsonToken.START_OBJECT) {
            throw new InvalidEvent("source must be an object");
        }
        position = new long[] {-1, -1, -1};
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            p.nextToken();
            switch (name) {
                case "epoch" -> epoch = string(p, "source.epoch");
                case "name" -> sourceName = string(p, "source.name");
                case "version" -> version = number(p, "version");
                case "window" -> position[0] = number(p, "source.window");
                case "seq" -> position[1] = number(p, "source.seq");
                case "index" -> position[2] = number(p, "source.index");
                case "ts_ms" -> tsMs = timestamp(p);
                default -> p.skipChildren();
            }
        }
    }

    /** source.ts_ms, or -1 when it is not a number that fits (it only feeds a metric: never a reason to reject the event). */
    private static long timestamp(JsonParser p) throws IOException {
        if (p.currentToken() == JsonToken.VALUE_NUMBER_INT && p.getNumberType() != JsonParser.NumberType.BIG_INTEGER) {
            return p.getLongValue();
        }
        p.skipChildren();
        return -1;
    }

    /** What every event needs, and what its op needs. */
    private void check() throws InvalidEvent {
        if (op == null || op.length() != 1 || "cudts".indexOf(op.charAt(0)) < 0) {
            throw new InvalidEvent("op must be c, u, d, t or s, not " + (op == null ? "missing" : "'" + op + "'"));
        }
        if (table == null) {
            throw new InvalidEvent("table must be a non-empty string");
        }
        char o = op.charAt(0);
        if (o != 't' && o != 's' && (key == null || keyEmpty)) {
            throw new InvalidEvent("key must be a non-empty object");
        }
        if (o == 't' && (partitions < 1 || partitions > Integer.MAX_VALUE)) {
            throw new InvalidEvent("partitions must be a positive integer for op t");
        }
        if (o == 's' && (definition == null || definition.isEmpty()
                || definition.stream().anyMatch(c -> c == null || c.name() == null || c.type() == null))) {
            throw new InvalidEvent("columns must be a non-empty list of columns with name and type for op s");
        }
        if ((o == 'c' || o == 'u') && after == null) {
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
    }

    private ChangeEvent event() {
        char o = op.charAt(0);
        boolean marker = o == 't' || o == 's';
        boolean noRow = o != 'c' && o != 'u';
        return new ChangeEvent(o, table, marker ? null : key, noRow ? null : after, noRow ? List.of() : columns,
                new Position(epoch, position[0], position[1], (int) position[2]), (int) partitions,
                o == 's' ? definition : null, sourceName, version, tsMs);
    }

    /**
     * The text of the object the parser is at, as it appears in the event; its top-level field
     * names go to {@code fields}.
     */
    private String object(JsonParser p, List<String> fields) throws IOException {
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
}
