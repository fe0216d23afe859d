package dev.cdc;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Handle;

/**
 * A captured table on the source and its changelog: installs the capture, and fills in the
 * table-specific parts of the SQL in {@code sql/source/}.
 */
public record Capture(Table table, String changelogSchema, String changelogName) {

    /** The demo table keeps its historical changelog name; any other table gets {@code <table>_cdc}. */
    public static Capture of(Table table) {
        String name = table.schema().equals("public") && table.name().equals("employees")
                ? "emp_cdc" : table.name() + "_cdc";
        return new Capture(table, table.schema(), name);
    }

    public String changelog() {
        return Sql.ident(changelogSchema, changelogName);
    }

    public String changelogDisplay() {
        return changelogSchema + "." + changelogName;
    }

    /** The LISTEN/NOTIFY channel the triggers signal on. */
    public String channel() {
        return changelogDisplay();
    }

    /** Values for the placeholders of the {@code sql/source/} files. */
    public Map<String, String> sql() {
        Map<String, String> v = new HashMap<>();
        v.put("table", table.sqlName());
        v.put("changelog", changelog());
        v.put("schema_lit", Sql.literal(table.schema()));
        v.put("table_lit", Sql.literal(table.name()));
        v.put("changelog_schema_lit", Sql.literal(changelogSchema));
        v.put("changelog_name_lit", Sql.literal(changelogName));
        v.put("channel_lit", Sql.literal(channel()));
        v.put("fn_insert", function("insert"));
        v.put("fn_update", function("update"));
        v.put("fn_delete", function("delete"));
        v.put("old_key", keyObject("json_build_object", c -> "o." + Sql.ident(c)));
        v.put("pk_join", Sql.keyMatch(table.key(), "n", "o"));
        v.put("key_expr", keyObject("jsonb_build_object", c -> "data -> " + Sql.literal(c)) + "::text");
        return v;
    }

    private String function(String op) {
        return Sql.ident("cdc", changelogSchema + "." + changelogName + "_" + op);
    }

    /** {@code function('a', <value of a>, ...)} over the key columns. */
    private String keyObject(String function, java.util.function.Function<String, String> value) {
        return table.key().stream().map(c -> Sql.literal(c) + ", " + value.apply(c))
                .collect(Collectors.joining(", ", function + "(", ")"));
    }

    /**
     * Installs (or refreshes) the changelog, the triggers and the cursor row, in one transaction.
     * Returns what it did, one line per step.
     */
    public List<String> install(Handle h) {
        if (table.key().isEmpty()) {
            throw Failure.precondition("table " + table.display() + " has no primary key; cdc needs one to key its events");
        }
        List<String> done = new ArrayList<>();
        h.useTransaction(tx -> {
            boolean existed = Table.find(tx, changelogSchema, changelogName).isPresent();
            tx.execute(Sql.load("source/install.sql"));
            tx.execute(Sql.render("source/capture.sql", sql()));
            done.add(existed
                    ? "changelog " + changelogDisplay() + " already installed; triggers refreshed, cursor kept"
                    : "changelog " + changelogDisplay() + " and capture triggers on " + table.display() + " installed");
        });
        return done;
    }

    /** Removes the triggers, functions, changelog and cursor; the table and its rows stay. */
    public void uninstall(Handle h) {
        h.useTransaction(tx -> tx.execute(Sql.render("source/uninstall.sql", sql())));
    }

    /** The capture of a table, as installed on the source; a missing one is a {@link Failure}. */
    public static Capture load(Handle h, Db source, String schema, String name) {
        boolean installed = h.createQuery("SELECT to_regclass('cdc.capture') IS NOT NULL").mapTo(Boolean.class).one();
        List<Map<String, Object>> rows = !installed ? List.of() : h.createQuery(
                        "SELECT changelog_schema, changelog_name FROM cdc.capture WHERE table_schema = :s AND table_name = :t")
                .bind("s", schema).bind("t", name).mapToMap().list();
        Table table = Table.find(h, schema, name).orElse(null);
        if (rows.isEmpty() || table == null) {
            throw Failure.precondition("capture of " + schema + "." + name + " is not installed on the "
                    + source.where() + " (run: cdc setup)");
        }
        return new Capture(table, (String) rows.get(0).get("changelog_schema"), (String) rows.get(0).get("changelog_name"));
    }
}
