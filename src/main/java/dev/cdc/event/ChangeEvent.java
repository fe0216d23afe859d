package dev.cdc.event;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import dev.cdc.base.Json;
import dev.cdc.db.Table;
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
 *  "source":{"name":"crm","epoch":"1f0c…","window":12,"seq":345,"index":0,"txid":"7781","ts_ms":1763800000000}}
 * </pre>
 *
 * {@code op} is c (insert), u (update) or d (delete, {@code after} null). The record's key is the
 * {@code key} object, and Kafka partitions by it, so every change of a row
 * lands in one partition, in order. Two more ops have no key and go to every partition:
 * t (the table was truncated; {@code "partitions"} is how many the topic had, which says which
 * keys each partition holds) and s (the table's columns, {@code "columns"}: a list of
 * {@link Table.Column}, sent before the first change that has a new column). {@code window},
 * {@code seq} and {@code index} (the change's place in its changelog row) are the event's position
 * in its source: it grows with every event of a table, so a consumer recognizes an event it has
 * already applied (the producer republishes after a crash).
 * {@code epoch} changes when capture is reinstalled and positions restart. {@code name} is the
 * source's name ({@code cdc produce --source-name}), absent when it has none: events of several
 * sources can share a topic, and positions are compared per source. {@code version} (two-way
 * sync, else absent and -1) is the change's version on its side, see {@code two_way.sql}. Decoded, {@code key} and
 * {@code after} stay JSON text, and {@code columns} are the names in {@code after}.
 */
public record ChangeEvent(char op, String table, String key, String after, List<String> columns,
                          String epoch, long window, long seq, int index, int partitions,
                          List<Table.Column> definition, String sourceName, long version) {

    /**
     * The JSON of one change, built from the text PostgreSQL produced (no parsing).
     *
     * @param changelogOp I, U or D as stored in the changelog
     * @param key         the key object's JSON text
     * @param data        the row's JSON text (ignored for a delete)
     */
    public static String encode(char changelogOp, String table, String key, String data,
                                String epoch, long window, long seq, int index, String txid, long tsMs) {
        return encode(changelogOp, table, key, data, null, -1, epoch, window, seq, index, txid, tsMs);
    }

    /**
     * The JSON of one change of the source named {@code sourceName} (null: a source without a name),
     * with its {@code version} (-1: none).
     */
    public static String encode(char changelogOp, String table, String key, String data, String sourceName, long version,
                                String epoch, long window, long seq, int index, String txid, long tsMs) {
        char op = switch (changelogOp) {
            case 'I' -> 'c';
            case 'U' -> 'u';
            case 'D' -> 'd';
            default -> throw new IllegalArgumentException("unknown changelog op " + changelogOp);
        };
        StringBuilder b = start(op, table, (data == null ? 0 : data.length()) + key.length());
        b.append(",\"key\":").append(key).append(",\"after\":").append(op == 'd' ? "null" : data);
        return source(b, sourceName, version, epoch, window, seq, index, txid, tsMs);
    }

    /** The event that the table was truncated, for each of the topic's {@code partitions}. */
    public static String encodeTruncate(String table, int partitions, String epoch, long window, long seq,
                                        String txid, long tsMs) {
        return encodeTruncate(table, partitions, null, epoch, window, seq, txid, tsMs);
    }

    public static String encodeTruncate(String table, int partitions, String sourceName, String epoch, long window,
                                        long seq, String txid, long tsMs) {
        StringBuilder b = start('t', table, 0).append(",\"partitions\":").append(partitions);
        return source(b, sourceName, -1, epoch, window, seq, 0, txid, tsMs);
    }

    /** The event that announces the table's columns ({@link Table#definitionJson}). */
    public static String encodeSchema(String table, String columnsJson, String epoch, long window, long seq,
                                      String txid, long tsMs) {
        return encodeSchema(table, columnsJson, null, epoch, window, seq, txid, tsMs);
    }

    public static String encodeSchema(String table, String columnsJson, String sourceName, String epoch, long window,
                                      long seq, String txid, long tsMs) {
        StringBuilder b = start('s', table, columnsJson.length()).append(",\"columns\":").append(columnsJson);
        return source(b, sourceName, -1, epoch, window, seq, 0, txid, tsMs);
    }

    private static StringBuilder start(char op, String table, int size) {
        StringBuilder b = new StringBuilder(size + 200).append("{\"op\":\"").append(op).append("\",\"table\":\"");
        JsonStringEncoder.getInstance().quoteAsString(table, b);
        return b.append('"');
    }

    private static String source(StringBuilder b, String name, long version, String epoch, long window, long seq,
                                 int index, String txid, long tsMs) {
        b.append(",\"source\":{");
        if (name != null) {
            JsonStringEncoder.getInstance().quoteAsString(name, b.append("\"name\":\""));
            b.append("\",");
        }
        if (version >= 0) {
            b.append("\"version\":").append(version).append(',');
        }
        b.append("\"epoch\":\"").append(epoch)
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
        String sourceName = null;
        long version = -1;
        long partitions = 0;
        List<Table.Column> definition = null;
        try (JsonParser p = Json.MAPPER.createParser(text)) {
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
                    case "partitions" -> partitions = t == JsonToken.VALUE_NUMBER_INT ? number(p, "partitions") : 0;
                    case "columns" -> {
                        if (t != JsonToken.START_ARRAY) {
                            throw new InvalidEvent("columns must be an array");
                        }
                        try {
                            definition = List.of(Json.MAPPER.readValue(p, Table.Column[].class));
                        } catch (JsonProcessingException e) {
                            throw new InvalidEvent("columns is not a list of columns: " + e.getOriginalMessage());
                        }
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
                                case "name" -> sourceName = string(p, "source.name");
                                case "version" -> version = number(p, "version");
                                case "window" -> position[0] = number(p, "source.window");
                                case "seq" -> position[1] = number(p, "source.seq");
                                case "index" -> position[2] = number(p, "source.index");
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
        if (op == null || op.length() != 1 || "cudts".indexOf(op.charAt(0)) < 0) {
            throw new InvalidEvent("op must be c, u, d, t or s, not " + (op == null ? "missing" : "'" + op + "'"));
        }
        if (table == null) {
            throw new InvalidEvent("table must be a non-empty string");
        }
        boolean marker = op.charAt(0) == 't' || op.charAt(0) == 's';
        if (!marker && (key == null || keyEmpty)) {
            throw new InvalidEvent("key must be a non-empty object");
        }
        if (op.charAt(0) == 't' && (partitions < 1 || partitions > Integer.MAX_VALUE)) {
            throw new InvalidEvent("partitions must be a positive integer for op t");
        }
        if (op.charAt(0) == 's' && (definition == null || definition.isEmpty()
                || definition.stream().anyMatch(c -> c == null || c.name() == null || c.type() == null))) {
            throw new InvalidEvent("columns must be a non-empty list of columns with name and type for op s");
        }
        if ((op.charAt(0) == 'c' || op.charAt(0) == 'u') && after == null) {
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
        boolean noRow = op.charAt(0) != 'c' && op.charAt(0) != 'u';
        return new ChangeEvent(op.charAt(0), table, marker ? null : key, noRow ? null : after,
                noRow ? List.of() : columns, epoch, position[0], position[1], (int) position[2], (int) partitions,
                op.charAt(0) == 's' ? definition : null, sourceName, version);
    }

    /**
     * This event as it applies to a consolidated table {@code into} ("schema.table"), which holds
     * the rows of several sources: the key and the row gain {@link Table#SOURCE_COLUMN}, the source's
     * name, so equal keys of different sources are different rows. An event without a source name,
     * or whose row already has that column, cannot be consolidated.
     */
    public ChangeEvent consolidated(String into) throws InvalidEvent {
        if (sourceName == null) {
            throw new InvalidEvent("the event has no source name, so it cannot go into consolidated table " + into
                    + " (run its cdc produce with --source-name NAME)");
        }
        if (columns.contains(Table.SOURCE_COLUMN) || op == 's' && definition.stream().anyMatch(c -> Table.SOURCE_COLUMN.equals(c.name()))) {
            throw new InvalidEvent("the source's table has a column " + Table.SOURCE_COLUMN
                    + ", which consolidated table " + into + " uses for the source's name");
        }
        List<String> cs = columns.isEmpty() ? columns : new ArrayList<>(columns.size() + 1);
        if (!columns.isEmpty()) {
            cs.add(Table.SOURCE_COLUMN);
            cs.addAll(columns);
        }
        return new ChangeEvent(op, into, withSource(sourceName, key), withSource(sourceName, after), cs, epoch, window, seq, index,
                partitions, definition, sourceName, version);
    }

    /** A JSON object's text with the source's name as its first field ({@link Table#SOURCE_COLUMN}). */
    public static String withSource(String sourceName, String object) {
        return object == null ? null : Json.withFields(object, "\"" + Table.SOURCE_COLUMN + "\":" + Json.quoted(sourceName));
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

    /** A message on the topic that is not a valid event. */
    public static final class InvalidEvent extends Exception {
        public InvalidEvent(String message) {
            super(message);
        }
    }
}
