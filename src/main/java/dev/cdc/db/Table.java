package dev.cdc.db;

import dev.cdc.base.Failure;
import dev.cdc.base.Json;
import java.util.List;

/** A table's name, columns and primary key, as the database's {@link Catalog} describes it. */
public record Table(String schema, String name, List<Column> definition, List<String> key) {

    /** The column of a consolidated table that holds the name of the source a row came from. */
    public static final String SOURCE_COLUMN = "source_name";

    /**
     * One column: its name, its type as PostgreSQL writes it ({@code numeric(40,20)},
     * {@code timestamp with time zone}), NOT NULL, for a generated column its clause
     * ({@code GENERATED ALWAYS AS (a * 2) STORED}; the target computes the same value), for an enum
     * (or an array of one) the enum's schema, name and labels, and {@code missing}: when the column
     * was added to a table that had rows, the value those rows got (JSON text; null when they got
     * NULL, or when the table was rewritten since). Announced on the topic as JSON when it changes.
     */
    @com.fasterxml.jackson.annotation.JsonIgnoreProperties(ignoreUnknown = true)
    public record Column(String name, String type, boolean notNull, String generated, String enumSchema,
                         String enumName, List<String> enumLabels, String missing) {
        /** The enum's quoted, qualified name; null when the column is not of an enum type. */
        public String enumType() {
            return enumName == null ? null : Sql.ident(enumSchema, enumName);
        }
    }

    /** The columns as JSON (a schema event's {@code columns}, cdc.capture.columns). */
    public String definitionJson() {
        return Json.write(Json.MAPPER.valueToTree(definition));
    }

    /**
     * The session settings a key's JSON text depends on (a timestamptz is written in the session's
     * TimeZone, an interval in its IntervalStyle, a float with its extra_float_digits), for this
     * table's key types, as {@code name = value}: whoever writes or recomputes a key sets them.
     */
    public List<String> keySettings() {
        return settings(definition.stream().filter(c -> key.contains(c.name())).map(Column::type).toList());
    }

    private static final String INTERVAL_STYLE = "IntervalStyle = 'postgres'";

    /**
     * The session settings the text of this table's rows depends on (the capture triggers fix them
     * for their own run, so that no writer's session changes what arrives): those of the key, and
     * IntervalStyle for intervals, extra_float_digits for floats (at 0 or less PostgreSQL rounds them),
     * lc_monetary for money, DateStyle for ranges (a daterange's text follows it, unlike JSON's dates).
     */
    public List<String> rowSettings() {
        List<String> types = definition.stream().map(Column::type).toList();
        java.util.Set<String> settings = new java.util.LinkedHashSet<>(settings(types));
        if (types.stream().anyMatch(t -> t.startsWith("money"))) {
            settings.add("lc_monetary = 'C'");
        }
        if (types.stream().anyMatch(t -> t.contains("range"))) {
            settings.add("DateStyle = 'ISO, MDY'");
            settings.add(INTERVAL_STYLE); // an interval range too
        }
        return List.copyOf(settings);
    }

    private static List<String> settings(List<String> types) {
        List<String> settings = new java.util.ArrayList<>();
        if (types.stream().anyMatch(t -> t.startsWith("timestamp") && t.contains("with time zone"))) {
            settings.add("TimeZone = 'UTC'");
        }
        if (types.stream().anyMatch(t -> t.startsWith("interval"))) {
            settings.add(INTERVAL_STYLE);
        }
        if (types.stream().anyMatch(t -> t.startsWith("real") || t.startsWith("double precision"))) {
            settings.add("extra_float_digits = 1");
        }
        return settings;
    }

    /**
     * The table that holds this table's rows from several sources: named {schema, name}, with
     * {@link #SOURCE_COLUMN} (the source's name) before the columns and first in the
     * key, so equal keys of different sources are different rows.
     */
    public Table consolidated(String[] into) {
        if (columns().contains(SOURCE_COLUMN)) {
            throw Failure.precondition("table " + display() + " has a column " + SOURCE_COLUMN
                    + ", which a consolidated table uses for the name of each row's source");
        }
        List<Column> columns = new java.util.ArrayList<>(definition.size() + 1);
        columns.add(new Column(SOURCE_COLUMN, "text", true, null, null, null, List.of(), null));
        columns.addAll(definition);
        List<String> k = new java.util.ArrayList<>(key.size() + 1);
        k.add(SOURCE_COLUMN);
        k.addAll(key);
        return new Table(into[0], into[1], List.copyOf(columns), List.copyOf(k));
    }

    /**
     * This table keyed by other columns than its primary key: two-way sync with --key, where rows
     * are related by columns both sides share and each side assigns its own primary key. Null:
     * the table as it is.
     */
    public Table keyedBy(List<String> columns) {
        return columns == null ? this : new Table(schema, name, definition, List.copyOf(columns));
    }

    /** The column names, in table order. */
    public List<String> columns() {
        return definition.stream().map(Column::name).toList();
    }

    /** A table's schema and name. */
    public record Name(String schema, String name) {
        /** "public.employees", for messages. */
        public String display() {
            return schema + "." + name;
        }
    }

    /** The table's schema and name. */
    public Name qualifiedName() {
        return new Name(schema, name);
    }

    /** "public.employees", for messages and events. */
    public String display() {
        return schema + "." + name;
    }

    /** The quoted, schema-qualified name, for SQL. */
    public String sqlName() {
        return Sql.ident(schema, name);
    }

    /** Parses "schema.table" or "table" (schema public); a quoted part may contain dots. */
    public static String[] parseName(String qualified) {
        String s = qualified.trim();
        if (s.startsWith("\"")) {
            int end = s.indexOf('"', 1);
            while (end > 0 && end + 1 < s.length() && s.charAt(end + 1) == '"') {
                end = s.indexOf('"', end + 2);
            }
            if (end > 0 && end + 1 < s.length() && s.charAt(end + 1) == '.') {
                return new String[] {unquote(s.substring(0, end + 1)), unquote(s.substring(end + 2))};
            }
            return new String[] {"public", unquote(s)};
        }
        int dot = s.indexOf('.');
        return dot < 0 ? new String[] {"public", s} : new String[] {s.substring(0, dot), unquote(s.substring(dot + 1))};
    }

    private static String unquote(String s) {
        return s.startsWith("\"") && s.endsWith("\"") && s.length() >= 2
                ? s.substring(1, s.length() - 1).replace("\"\"", "\"") : s;
    }
}
