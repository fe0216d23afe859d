package dev.cdc.mysql;

import dev.cdc.base.Failure;
import dev.cdc.db.Sql;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Handle;

/**
 * Capture on a MySQL/MariaDB table: its changelog ({@code <table>_cdc} beside it), the row-level
 * AFTER INSERT/UPDATE/DELETE triggers that write every change into it in the writing transaction
 * (sql/mysql/trigger_*.sql), and its cursor row in {@code cdc.capture}.
 */
final class MySqlCapture {
    private MySqlCapture() {
    }

    /** The changelog's quoted name. */
    static String changelog(String schema, String table) {
        return ident(schema) + "." + ident(table + "_cdc");
    }

    /** Installs capture on the table: its triggers are made again, its changelog and cursor kept if there. */
    static void install(Handle h, String schema, String table, String topic) {
        List<Map<String, Object>> columns = h.createQuery(Sql.load("mysql/columns.sql")).bind("schema", schema)
                .bind("table", table).mapToMap().list();
        if (columns.isEmpty()) {
            throw Failure.usage("table " + schema + "." + table + " does not exist on the source");
        }
        List<String> names = columns.stream().map(c -> (String) c.get("name")).toList();
        List<String> key = columns.stream().filter(c -> ((Number) c.get("key_position")).intValue() > 0)
                .sorted(Comparator.comparingInt(c -> ((Number) c.get("key_position")).intValue()))
                .map(c -> (String) c.get("name")).toList();
        if (key.isEmpty()) {
            throw Failure.usage("table " + schema + "." + table + " has no primary key");
        }
        h.execute(Sql.load("mysql/install_schema.sql"));
        h.execute(Sql.load("mysql/install.sql"));
        String changelog = changelog(schema, table);
        h.execute(Sql.render("mysql/changelog.sql", Map.of("changelog", changelog)));
        Map<String, String> v = Map.of(
                "table", ident(schema) + "." + ident(table),
                "changelog", changelog,
                "new_row", names.stream().map(n -> literal(n) + ", NEW." + ident(n)).collect(Collectors.joining(", ")),
                "old_key", key.stream().map(n -> literal(n) + ", JSON_ARRAY(OLD." + ident(n) + ")").collect(Collectors.joining(", ")),
                "key_changed", key.stream().map(n -> "NOT (OLD." + ident(n) + " <=> NEW." + ident(n) + ")")
                        .collect(Collectors.joining(" OR ")));
        for (String[] t : new String[][] {{"trigger_insert", "_cdc_i"}, {"trigger_update", "_cdc_u"}, {"trigger_delete", "_cdc_d"}}) {
            Map<String, String> with = new java.util.HashMap<>(v);
            with.put("trigger", ident(schema) + "." + ident(table + t[1]));
            h.execute(Sql.render("mysql/drop_trigger.sql", with));
            h.execute(Sql.render("mysql/" + t[0] + ".sql", with));
        }
        h.createUpdate(Sql.load("mysql/register.sql")).bind("schema", schema).bind("table", table)
                .bind("changelog", table + "_cdc").bind("topic", topic).execute();
    }

    /** A MySQL identifier, quoted. */
    static String ident(String name) {
        return "`" + name.replace("`", "``") + "`";
    }

    /** A MySQL string literal, for cdc's sessions (sql/mysql/session.sql: backslashes escape). */
    static String literal(String text) {
        List<String> parts = new ArrayList<>();
        for (int cp : text.codePoints().toArray()) {
            parts.add(cp == '\'' ? "''" : cp == '\\' ? "\\\\" : new String(Character.toChars(cp)));
        }
        return "'" + String.join("", parts) + "'";
    }
}
