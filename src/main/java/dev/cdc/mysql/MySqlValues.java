package dev.cdc.mysql;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cdc.base.Failure;
import dev.cdc.db.Table;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.util.HexFormat;
import java.util.Locale;

/**
 * An event's JSON value as a MySQL/MariaDB column of the target takes it (the column typed in
 * PostgreSQL's names, as {@link MySqlCatalog} reads it): bytes from their {@code \x} hex text, a
 * timestamp with an offset (a PostgreSQL timestamptz) in UTC, the time zone of cdc's sessions,
 * booleans as 1 and 0, JSON objects and arrays as their text, numbers with all their digits; into
 * a JSON column, the value's JSON text.
 * Values are bound as parameters, never pasted into SQL.
 */
final class MySqlValues {
    private static final DateTimeFormatter ISO_LOCAL = new DateTimeFormatterBuilder()
            .appendPattern("uuuu-MM-dd").optionalStart().appendLiteral('T').optionalEnd()
            .optionalStart().appendLiteral(' ').optionalEnd().appendPattern("HH:mm:ss")
            .optionalStart().appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true).optionalEnd()
            .optionalStart().appendOffset("+HH:MM:ss", "Z").optionalEnd()
            .optionalStart().appendOffset("+HH", "Z").optionalEnd()
            .toFormatter(Locale.ROOT);
    private static final DateTimeFormatter MYSQL = DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss.SSSSSS", Locale.ROOT);

    private MySqlValues() {
    }

    /** The value to bind for {@code v} (null or JSON null: NULL) into column {@code c}. */
    static Object of(Table.Column c, JsonNode v) {
        return of(c, v, false);
    }

    /**
     * The same, for a column that holds JSON when {@code json}: the value's JSON text (a string
     * that holds JSON text, as a MySQL source sends a MariaDB JSON column, is that text).
     */
    static Object of(Table.Column c, JsonNode v, boolean json) {
        if (v == null || v.isNull()) {
            return null;
        }
        if (json) {
            return v.isTextual() && isJson(v.asText()) ? v.asText() : v.toString();
        }
        String type = c.type();
        if (type.equals("bytea")) {
            String hex = v.asText();
            if (!hex.startsWith("\\x")) {
                throw Failure.precondition("column " + c.name() + " takes bytes, written as \\x and hex digits; the event has "
                        + abbreviate(hex));
            }
            return HexFormat.of().parseHex(hex, 2, hex.length());
        }
        if (type.startsWith("timestamp")) {
            return timestamp(c, v.asText());
        }
        if (type.startsWith("bit(") && v.isTextual() && v.asText().matches("[01]+")) {
            return new java.math.BigInteger(v.asText(), 2); // bit(n)'s digits, as the number MySQL's BIT takes
        }
        if (v.isBoolean()) {
            return v.booleanValue() ? 1 : 0;
        }
        if (v.isNumber()) {
            return v.decimalValue();
        }
        if (v.isContainerNode()) {
            return v.toString();
        }
        return v.asText();
    }

    /** A timestamp's text; one with an offset (from a timestamptz) in UTC. */
    private static String timestamp(Table.Column c, String text) {
        try {
            var parsed = ISO_LOCAL.parseBest(text, OffsetDateTime::from, LocalDateTime::from);
            LocalDateTime local = parsed instanceof OffsetDateTime o
                    ? o.withOffsetSameInstant(ZoneOffset.UTC).toLocalDateTime() : (LocalDateTime) parsed;
            return MYSQL.format(local);
        } catch (DateTimeParseException e) {
            throw Failure.precondition("column " + c.name() + " takes a timestamp; the event has " + abbreviate(text)
                    + ", which MySQL cannot store (e.g. infinity, or a year BC)");
        }
    }

    private static boolean isJson(String text) {
        try {
            dev.cdc.base.Json.MAPPER.readTree(text);
            return !text.isBlank();
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return false;
        }
    }

    private static String abbreviate(String s) {
        return s.length() > 40 ? "'" + s.substring(0, 40) + "...'" : "'" + s + "'";
    }
}
