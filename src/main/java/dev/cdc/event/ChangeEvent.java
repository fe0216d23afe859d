package dev.cdc.event;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import dev.cdc.base.Json;
import dev.cdc.db.Table;
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
 * sync, else absent and -1) is the change's version on its side, see {@code two_way.sql}. {@code ts_ms} is when the
 * change was written, by the source's clock (-1: unknown; for the end-to-end latency). Decoded, {@code key} and
 * {@code after} stay JSON text, and {@code columns} are the names in {@code after}.
 */
public record ChangeEvent(char op, String table, String key, String after, List<String> columns, Position position,
                          int partitions, List<Table.Column> definition, String sourceName, long version, long tsMs) {

    public String epoch() {
        return position.epoch();
    }

    public long window() {
        return position.window();
    }

    public long seq() {
        return position.seq();
    }

    public int index() {
        return position.index();
    }

    /**
     * The JSON of one change, built from the text PostgreSQL produced (no parsing).
     *
     * @param changelogOp I, U or D as stored in the changelog
     * @param key         the key object's JSON text
     * @param data        the row's JSON text (ignored for a delete)
     */
    public static String encode(char changelogOp, String table, String key, String data, Source source) {
        char op = switch (changelogOp) {
            case 'I' -> 'c';
            case 'U' -> 'u';
            case 'D' -> 'd';
            default -> throw new IllegalArgumentException("unknown changelog op " + changelogOp);
        };
        StringBuilder b = start(op, table, (data == null ? 0 : data.length()) + key.length());
        b.append(",\"key\":").append(key).append(",\"after\":").append(op == 'd' ? "null" : data);
        return source(b, source);
    }

    /** The event that the table was truncated, for each of the topic's {@code partitions}. */
    public static String encodeTruncate(String table, int partitions, Source source) {
        StringBuilder b = start('t', table, 0).append(",\"partitions\":").append(partitions);
        return source(b, source);
    }

    /** The event that announces the table's columns ({@link Table#definitionJson}). */
    public static String encodeSchema(String table, String columnsJson, Source source) {
        StringBuilder b = start('s', table, columnsJson.length()).append(",\"columns\":").append(columnsJson);
        return source(b, source);
    }

    private static StringBuilder start(char op, String table, int size) {
        StringBuilder b = new StringBuilder(size + 200).append("{\"op\":\"").append(op).append("\",\"table\":\"");
        JsonStringEncoder.getInstance().quoteAsString(table, b);
        return b.append('"');
    }

    private static String source(StringBuilder b, Source s) {
        b.append(",\"source\":{");
        if (s.name() != null) {
            JsonStringEncoder.getInstance().quoteAsString(s.name(), b.append("\"name\":\""));
            b.append("\",");
        }
        if (s.version() >= 0) {
            b.append("\"version\":").append(s.version()).append(',');
        }
        Position at = s.position();
        b.append("\"epoch\":\"").append(at.epoch())
                .append("\",\"window\":").append(at.window())
                .append(",\"seq\":").append(at.seq())
                .append(",\"index\":").append(at.index())
                .append(",\"txid\":\"").append(s.txid())
                .append("\",\"ts_ms\":").append(s.tsMs())
                .append("}}");
        return b.toString();
    }

    /** Reads an event (see {@link EventReader}); anything that is not a complete, valid event is an {@link InvalidEvent}. */
    public static ChangeEvent decode(byte[] value) throws InvalidEvent {
        return EventReader.read(value);
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
        return new ChangeEvent(op, into, withSource(sourceName, key), withSource(sourceName, after), cs, position,
                partitions, definition, sourceName, version, tsMs);
    }

    /** This event as it applies to the table {@code table} ("schema.table"): two-way sync of tables named differently on the two sides. */
    public ChangeEvent inTable(String table) {
        return new ChangeEvent(op, table, key, after, columns, position, partitions, definition, sourceName, version, tsMs);
    }

    /** A JSON object's text with the source's name as its first field ({@link Table#SOURCE_COLUMN}). */
    public static String withSource(String sourceName, String object) {
        return object == null ? null : Json.withFields(object, "\"" + Table.SOURCE_COLUMN + "\":" + Json.quoted(sourceName));
    }

    /** True when this event sits at or before the given position of the same epoch. */
    public boolean notAfter(String epoch, long window, long seq, int index) {
        return new Position(epoch, window, seq, index).covers(position);
    }

    /** A message on the topic that is not a valid event. */
    public static final class InvalidEvent extends Exception {
        public InvalidEvent(String message) {
            super(message);
        }
    }
}
