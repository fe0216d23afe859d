package dev.cdc.mysql;

import dev.cdc.base.Failure;
import dev.cdc.base.Json;
import dev.cdc.db.Sql;
import dev.cdc.db.Table;
import dev.cdc.source.Capture;
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
        install(h, Capture.of(t, t.name() + "_cdc", topic));
    }

    /**
     * The same for a capture; in a two-way sync ({@code origin} not null) with the table of row
     * versions and the triggers that version each change and leave consume's alone
     * (sql/mysql/two_way_*.sql). Returns warnings, a line each.
     */
    static List<String> install(Handle h, Capture capture) {
        List<String> warnings = new ArrayList<>();
        Table t = capture.table();
        String topic = capture.topic();
        String engine = h.createQuery(Sql.load("mysql/engine.sql")).bind("schema", t.schema()).bind("table", t.name())
                .mapTo(String.class).findOne().orElse(null);
        if (engine == null || !engine.equalsIgnoreCase("InnoDB")) {
            throw Failure.usage("table " + t.display() + " is a " + engine + " table: without transactions a change and its "
                    + "changelog row cannot commit together, and a change could be lost; convert it first "
                    + "(ALTER TABLE " + ident(t.schema()) + "." + ident(t.name()) + " ENGINE = InnoDB)");
        }
        if (t.key().isEmpty()) {
            throw Failure.usage("table " + t.display() + " has no primary key: " + Capture.withoutKeyAdvice(t.display())
                    + "; or leave the table out");
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
        // an install by an earlier cdc: the columns added since
        addMissing(h, "cdc", "capture", Map.of("origin", "VARCHAR(100) NULL", "key_columns", "LONGTEXT NULL"));
        String changelog = changelog(t.schema(), t.name());
        boolean hadChangelog = h.createQuery(Sql.load("mysql/changelog_exists.sql")).bind("schema", t.schema())
                .bind("name", t.name() + "_cdc").mapTo(Boolean.class).one();
        h.execute(Sql.render("mysql/changelog.sql", Map.of("changelog", changelog)));
        h.execute(Sql.render("mysql/retained.sql", Map.of("retained", retained(t.schema(), t.name()))));
        addMissing(h, t.schema(), t.name() + "_cdc", Map.of("version", "BIGINT NULL"));
        Map<String, String> v = triggerValues(h, capture, warnings);
        if (capture.origin() != null) {
            h.execute(Sql.render("mysql/versions.sql", v));
        }
        boolean mariadb = h.createQuery(Sql.load("mysql/is_mariadb.sql")).mapTo(Boolean.class).one();
        for (Map<String, String> trigger : changedTriggers(h, capture, v)) {
            if (mariadb) { // replaced in one step
                h.execute(trigger.get("create").replaceFirst("CREATE TRIGGER", "CREATE OR REPLACE TRIGGER"));
            } else { // MySQL has no CREATE OR REPLACE TRIGGER: a write between the two is not captured
                h.execute(Sql.render("mysql/drop_trigger.sql", trigger));
                h.execute(trigger.get("create"));
            }
        }
        h.createUpdate(Sql.load("mysql/register.sql")).bind("schema", t.schema()).bind("table", t.name())
                .bind("changelog", t.name() + "_cdc").bind("topic", topic).bind("origin", capture.origin())
                .bind("key_columns", Json.write(t.key())).execute();
        if (!hadChangelog) { // a changelog made anew under a cursor left behind: its seqs restart, so does the cursor
            h.createUpdate(Sql.load("mysql/fresh_cursor.sql")).bind("schema", t.schema()).bind("table", t.name()).execute();
        }
        return warnings;
    }

    /**
     * Whether the table's capture triggers are those its columns need now: they name its columns,
     * so after an ALTER TABLE they record too few (an added column's values are missing) or make
     * the application's writes fail (a dropped one's).
     */
    static boolean triggersCurrent(Handle h, Capture capture) {
        List<Map<String, String>> changed = changedTriggers(h, capture, triggerValues(h, capture, new ArrayList<>()));
        // MySQL shows a table's triggers only to users with the TRIGGER privilege on it (a producer role has
        // none): none visible says nothing
        return changed.isEmpty() || changed.size() == 3 && changed.stream().allMatch(t -> t.containsKey("absent"));
    }

    /** The placeholders of the trigger templates for the capture (two-way: with its table of versions'); warnings added. */
    private static Map<String, String> triggerValues(Handle h, Capture capture, List<String> warnings) {
        Table t = capture.table();
        Map<String, String> v = new HashMap<>(Map.of(
                "table", ident(t.schema()) + "." + ident(t.name()),
                "changelog", changelog(t.schema(), t.name()),
                "new_row", row(t, "NEW"),
                "old_key", t.key().stream().map(n -> literal(n) + ", JSON_ARRAY(" + value(t, n, "OLD") + ")")
                        .collect(Collectors.joining(", ")),
                // bytes, not the collation: 'abc' to 'ABC' is a key change even where they compare equal
                "key_changed", t.key().stream().map(n -> "NOT (BINARY OLD." + ident(n) + " <=> BINARY NEW." + ident(n) + ")")
                        .collect(Collectors.joining(" OR "))));
        if (capture.origin() != null) {
            warnings.addAll(twoWay(h, capture, v));
        }
        return v;
    }

    /**
     * The capture triggers that are missing or differ from what the templates make of {@code v}:
     * each as its placeholders, with "create", its CREATE TRIGGER statement. Unchanged ones are
     * left out, and left alone, so that no write goes uncaptured while one is made again.
     */
    private static List<Map<String, String>> changedTriggers(Handle h, Capture capture, Map<String, String> v) {
        Table t = capture.table();
        String prefix = capture.origin() != null ? "mysql/two_way_" : "mysql/trigger_";
        Map<String, String> existing = new HashMap<>();
        h.createQuery(Sql.load("mysql/triggers.sql")).bind("schema", t.schema()).bind("table", t.name())
                .map((rs, ctx) -> existing.put(rs.getString("name"), rs.getString("body"))).list();
        List<Map<String, String>> changed = new ArrayList<>();
        for (String[] trigger : new String[][] {{"insert", "_cdc_i"}, {"update", "_cdc_u"}, {"delete", "_cdc_d"}}) {
            Map<String, String> with = new HashMap<>(v);
            with.put("trigger", ident(t.schema()) + "." + ident(t.name() + trigger[1]));
            String create = Sql.render(prefix + trigger[0] + ".sql", with);
            String body = create.substring(create.indexOf("FOR EACH ROW") + "FOR EACH ROW".length()).strip();
            String before = existing.get(t.name() + trigger[1]);
            // (information_schema shows a body with its string escapes undone: '\\x' as '\x')
            if (before == null || !(before.strip().equals(body) || before.strip().equals(body.replace("\\\\", "\\")))) {
                with.put("create", create);
                if (before == null) {
                    with.put("absent", "yes");
                }
                changed.add(with);
            }
        }
        return changed;
    }

    /**
     * Two-way sync: adds the two-way triggers' placeholders to {@code v}, and those of the table of
     * versions (sql/mysql/versions.sql: key columns typed and collated as in the table); returns a
     * warning for each key column whose collation calls different texts equal.
     */
    private static List<String> twoWay(Handle h, Capture capture, Map<String, String> v) {
        Table t = capture.table();
        Map<String, String> types = new HashMap<>();
        List<String> warnings = new ArrayList<>();
        h.createQuery(Sql.load("mysql/column_types.sql")).bind("schema", t.schema()).bind("table", t.name())
                .map((rs, ctx) -> {
                    String name = rs.getString("name");
                    String collation = rs.getString("collation");
                    if (t.key().contains(name) && collation != null && !collation.contains("_bin")) {
                        warnings.add("WARNING: key column " + name + " of " + t.display() + " compares text by collation "
                                + collation + ": keys that differ only in case, accents or trailing spaces are one row here "
                                + "and two on PostgreSQL (fine for UUIDs and codes written one way; else give the column a "
                                + "binary collation)");
                    }
                    return types.put(name, rs.getString("column_type")
                            + (collation == null ? "" : " CHARACTER SET " + rs.getString("charset") + " COLLATE " + collation));
                }).list();
        v.put("versions", versions(capture));
        v.put("versions_key", t.key().stream().map(k -> ident(k) + " " + types.get(k) + " NOT NULL")
                .collect(Collectors.joining(", ")));
        v.put("key_columns", t.key().stream().map(MySqlCapture::ident).collect(Collectors.joining(", ")));
        v.put("new_key", t.key().stream().map(k -> "NEW." + ident(k)).collect(Collectors.joining(", ")));
        v.put("old_key_values", t.key().stream().map(k -> "OLD." + ident(k)).collect(Collectors.joining(", ")));
        v.put("new_key_match", t.key().stream().map(k -> "v." + ident(k) + " = NEW." + ident(k))
                .collect(Collectors.joining(" AND ")));
        v.put("old_key_match", t.key().stream().map(k -> "v." + ident(k) + " = OLD." + ident(k))
                .collect(Collectors.joining(" AND ")));
        // UTC whatever the session's time zone (a local time repeats an hour when clocks go back)
        v.put("now", "TIMESTAMPDIFF(MICROSECOND, '1970-01-01 00:00:00', UTC_TIMESTAMP(6))");
        v.put("origin", literal(capture.origin()));
        return warnings;
    }

    /** Adds the columns of {@code columns} (name, definition) the table lacks. */
    private static void addMissing(Handle h, String schema, String table, Map<String, String> columns) {
        List<String> has = h.createQuery(Sql.load("mysql/column_types.sql")).bind("schema", schema).bind("table", table)
                .map((rs, ctx) -> rs.getString("name")).list();
        columns.forEach((name, definition) -> {
            if (!has.contains(name)) {
                h.execute(Sql.render("mysql/add_column.sql", Map.of("table", ident(schema) + "." + ident(table),
                        "column", ident(name) + " " + definition)));
            }
        });
    }

    /** The quoted name of the table of retained rows ({@code cdc produce --retain}), beside the changelog. */
    static String retained(String schema, String table) {
        return ident(schema) + "." + ident(table + "_cdc_retained");
    }

    /** Two-way sync: the quoted name of the table of the row versions, beside the changelog. */
    static String versions(Capture capture) {
        return ident(capture.table().schema()) + "." + ident(capture.versionsName());
    }

    /** Removes the triggers, the changelog and the cursor; the table and its rows stay. */
    static void uninstall(Handle h, Capture capture) {
        uninstall(h, capture, Runnable::run);
    }

    /** The same, each step run by {@code step} (e.g. going on when one fails). */
    static void uninstall(Handle h, Capture capture, java.util.function.Consumer<Runnable> step) {
        String schema = capture.table().schema();
        String table = capture.table().name();
        List<String> triggers = h.createQuery(Sql.load("mysql/triggers.sql")).bind("schema", schema).bind("table", table)
                .map((rs, ctx) -> rs.getString("name")).list();
        for (String suffix : List.of("_cdc_i", "_cdc_u", "_cdc_d")) {
            if (triggers.contains(table + suffix)) { // (a binary log can refuse even DROP TRIGGER IF EXISTS)
                step.accept(() -> h.execute(Sql.render("mysql/drop_trigger.sql",
                        Map.of("trigger", ident(schema) + "." + ident(table + suffix)))));
            }
        }
        step.accept(() -> h.execute(Sql.render("mysql/drop_changelog.sql", Map.of("changelog", changelog(schema, table)))));
        step.accept(() -> h.execute(Sql.render("mysql/drop_changelog.sql", Map.of("changelog", retained(schema, table)))));
        if (capture.origin() != null) {
            step.accept(() -> h.execute(Sql.render("mysql/drop_changelog.sql", Map.of("changelog", versions(capture)))));
        }
        step.accept(() -> h.createUpdate(Sql.load("mysql/unregister.sql")).bind("schema", schema).bind("table", table).execute());
    }

    /** Copies the rows the table has into its changelog, as inserts; returns how many (see {@link MySqlSnapshot}). */
    static long snapshot(Handle h, Table t) {
        return MySqlSnapshot.run(h, Capture.of(t, t.name() + "_cdc", null), 0, MySqlSnapshot.STRETCH_ROWS);
    }

    /** JSON_OBJECT's arguments for a row: {@code 'a', NEW.`a`, ...}. */
    static String row(Table t, String prefix) {
        return t.definition().stream().map(c -> literal(c.name()) + ", " + value(t, c.name(), prefix))
                .collect(Collectors.joining(", "));
    }

    /**
     * A column's value as it goes into the event, in the text of its PostgreSQL type
     * ({@link MySqlCatalog}): bytes as bytea's {@code \x...}; a TIMESTAMP in UTC with its offset
     * (JSON_OBJECT would write it in the writing session's time zone); BIT(1) as a JSON boolean and
     * BIT(n) as its digits; a zero date or one with a zero month or day (which MySQL may hold and
     * PostgreSQL cannot) as null, or as 1970-01-01 in a NOT NULL column (Debezium's rule).
     */
    private static String value(Table t, String column, String prefix) {
        String v = prefix + "." + ident(column);
        Table.Column c = t.definition().stream().filter(d -> d.name().equals(column)).findFirst().orElseThrow();
        String type = c.type();
        if (MySqlCatalog.binary(c)) {
            return "CONCAT('\\\\x', LOWER(HEX(" + v + ")))";
        }
        if (type.equals("boolean")) {
            return "IF(" + v + " IS NULL, NULL, JSON_EXTRACT(IF(" + v + " = 1, 'true', 'false'), '$'))";
        }
        if (type.startsWith("bit(")) {
            return "LPAD(BIN(" + v + "), " + type.substring(4, type.length() - 1) + ", '0')";
        }
        if (type.endsWith("with time zone") && type.startsWith("timestamp")) {
            String utc = "DATE_FORMAT(TIMESTAMPADD(MICROSECOND, CAST(COALESCE(UNIX_TIMESTAMP(" + v + "), 0) * 1000000 AS SIGNED), "
                    + "'1970-01-01 00:00:00'), '%Y-%m-%dT%H:%i:%s.%f+00:00')"; // as PostgreSQL's JSON writes a timestamptz
            // a zero TIMESTAMP: UNIX_TIMESTAMP gives NULL on MariaDB, 0 on MySQL (no date is compared: a zero
            // date in a comparison is an error under the triggers' strict sql_mode on MySQL 8)
            return c.notNull() ? utc : "IF(COALESCE(UNIX_TIMESTAMP(" + v + "), 0) = 0, NULL, " + utc + ")";
        }
        if (type.equals("date") || type.startsWith("timestamp")) {
            String epoch = !c.notNull() ? "NULL" : type.equals("date") ? "'1970-01-01'" : "'1970-01-01 00:00:00'";
            return "IF(YEAR(" + v + ") = 0 OR MONTH(" + v + ") = 0 OR DAYOFMONTH(" + v + ") = 0, " + epoch + ", " + v + ")";
        }
        return v;
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
