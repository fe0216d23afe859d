package dev.cdc.mysql;

import dev.cdc.base.Failure;
import dev.cdc.db.Sql;
import dev.cdc.db.Table;
import java.util.ArrayList;
import java.util.HashMap;
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

    /**
     * Installs capture on the table: its changelog and cursor are kept if there, its triggers made
     * again. A table without transactions (MyISAM, ...) or without a primary key is refused.
     */
    static void install(Handle h, Table t, String topic) {
        String engine = h.createQuery(Sql.load("mysql/engine.sql")).bind("schema", t.schema()).bind("table", t.name())
                .mapTo(String.class).findOne().orElse(null);
        if (engine == null || !engine.equalsIgnoreCase("InnoDB")) {
            throw Failure.usage("table " + t.display() + " is a " + engine + " table: without transactions a change and its "
                    + "changelog row cannot commit together, and a change could be lost; convert it first "
                    + "(ALTER TABLE " + ident(t.schema()) + "." + ident(t.name()) + " ENGINE = InnoDB)");
        }
        if (t.key().isEmpty()) {
            throw Failure.usage("table " + t.display() + " has no primary key: add one (or leave the table out)");
        }
        var cascades = h.createQuery(Sql.load("mysql/cascades.sql")).bind("schema", t.schema()).bind("table", t.name())
                .mapToMap().list();
        if (!cascades.isEmpty()) {
            var fk = cascades.get(0);
            throw Failure.usage("table " + t.display() + " has rows that change through foreign key " + fk.get("name")
                    + " (ON DELETE " + fk.get("on_delete") + ", ON UPDATE " + fk.get("on_update") + " from table "
                    + fk.get("parent") + "); MySQL fires no trigger for those changes, so they would never be "
                    + "captured: make the key RESTRICT or NO ACTION (and delete the rows yourself), or leave the table out");
        }
        h.execute(Sql.load("mysql/install_schema.sql"));
        h.execute(Sql.load("mysql/install.sql"));
        String changelog = changelog(t.schema(), t.name());
        boolean hadChangelog = h.createQuery(Sql.load("mysql/changelog_exists.sql")).bind("schema", t.schema())
                .bind("name", t.name() + "_cdc").mapTo(Boolean.class).one();
        h.execute(Sql.render("mysql/changelog.sql", Map.of("changelog", changelog)));
        Map<String, String> v = Map.of(
                "table", ident(t.schema()) + "." + ident(t.name()),
                "changelog", changelog,
                "new_row", row(t, "NEW"),
                "old_key", t.key().stream().map(n -> literal(n) + ", JSON_ARRAY(" + value(t, n, "OLD") + ")")
                        .collect(Collectors.joining(", ")),
                // bytes, not the collation: 'abc' to 'ABC' is a key change even where they compare equal
                "key_changed", t.key().stream().map(n -> "NOT (BINARY OLD." + ident(n) + " <=> BINARY NEW." + ident(n) + ")")
                        .collect(Collectors.joining(" OR ")));
        Map<String, String> existing = new HashMap<>();
        h.createQuery(Sql.load("mysql/triggers.sql")).bind("schema", t.schema()).bind("table", t.name())
                .map((rs, ctx) -> existing.put(rs.getString("name"), rs.getString("body"))).list();
        boolean mariadb = h.createQuery(Sql.load("mysql/is_mariadb.sql")).mapTo(Boolean.class).one();
        for (String[] trigger : new String[][] {{"trigger_insert", "_cdc_i"}, {"trigger_update", "_cdc_u"},
                {"trigger_delete", "_cdc_d"}}) {
            Map<String, String> with = new HashMap<>(v);
            with.put("trigger", ident(t.schema()) + "." + ident(t.name() + trigger[1]));
            String create = Sql.render("mysql/" + trigger[0] + ".sql", with);
            String body = create.substring(create.indexOf("FOR EACH ROW") + "FOR EACH ROW".length()).strip();
            String before = existing.get(t.name() + trigger[1]);
            // (information_schema shows a body with its string escapes undone: '\\x' as '\x')
            if (before != null && (before.strip().equals(body) || before.strip().equals(body.replace("\\\\", "\\")))) {
                continue; // unchanged: left alone, so no write goes uncaptured while it is made again
            }
            if (mariadb) { // replaced in one step
                h.execute(create.replaceFirst("CREATE TRIGGER", "CREATE OR REPLACE TRIGGER"));
            } else { // MySQL has no CREATE OR REPLACE TRIGGER: a write between the two is not captured
                h.execute(Sql.render("mysql/drop_trigger.sql", with));
                h.execute(create);
            }
        }
        h.createUpdate(Sql.load("mysql/register.sql")).bind("schema", t.schema()).bind("table", t.name())
                .bind("changelog", t.name() + "_cdc").bind("topic", topic).execute();
        if (!hadChangelog) { // a changelog made anew under a cursor left behind: its seqs restart, so does the cursor
            h.createUpdate(Sql.load("mysql/fresh_cursor.sql")).bind("schema", t.schema()).bind("table", t.name()).execute();
        }
    }

    /** Removes the triggers, the changelog and the cursor; the table and its rows stay. */
    static void uninstall(Handle h, String schema, String table) {
        for (String suffix : List.of("_cdc_i", "_cdc_u", "_cdc_d")) {
            h.execute(Sql.render("mysql/drop_trigger.sql", Map.of("trigger", ident(schema) + "." + ident(table + suffix))));
        }
        h.execute(Sql.render("mysql/drop_changelog.sql", Map.of("changelog", changelog(schema, table))));
        h.createUpdate(Sql.load("mysql/unregister.sql")).bind("schema", schema).bind("table", table).execute();
    }

    /** Copies the rows the table has into its changelog, as inserts; returns how many. */
    static long snapshot(Handle h, Table t) {
        return h.createUpdate(Sql.render("mysql/snapshot.sql", Map.of("changelog", changelog(t.schema(), t.name()),
                "table", ident(t.schema()) + "." + ident(t.name()), "row", row(t, "r")))).execute();
    }

    /** JSON_OBJECT's arguments for a row: {@code 'a', NEW.`a`, ...}. */
    private static String row(Table t, String prefix) {
        return t.definition().stream().map(c -> literal(c.name()) + ", " + value(t, c.name(), prefix))
                .collect(Collectors.joining(", "));
    }

    /** A column's value as it goes into the event: bytes as PostgreSQL's bytea text, {@code \x...}. */
    private static String value(Table t, String column, String prefix) {
        String v = prefix + "." + ident(column);
        boolean binary = t.definition().stream().anyMatch(c -> c.name().equals(column) && MySqlCatalog.binary(c));
        return binary ? "CONCAT('\\\\x', LOWER(HEX(" + v + ")))" : v;
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
