package dev.cdc;

import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/** A table's name, columns and primary key, read from the catalog. */
public record Table(String schema, String name, List<String> columns, List<String> key) {

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

    /** The table as the catalog describes it, or empty when it does not exist. */
    public static Optional<Table> find(Handle h, String schema, String name) {
        List<String> columns = h.createQuery("""
                SELECT a.attname FROM pg_attribute a
                JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname = :schema AND c.relname = :name AND c.relkind IN ('r', 'p')
                  AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''
                ORDER BY a.attnum""")
                .bind("schema", schema).bind("name", name).mapTo(String.class).list();
        if (columns.isEmpty()) {
            return Optional.empty();
        }
        List<String> key = h.createQuery("""
                SELECT a.attname FROM pg_index i
                JOIN pg_class c ON c.oid = i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace
                CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord)
                JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum
                WHERE n.nspname = :schema AND c.relname = :name AND i.indisprimary
                ORDER BY k.ord""")
                .bind("schema", schema).bind("name", name).mapTo(String.class).list();
        return Optional.of(new Table(schema, name, columns, key));
    }
}
