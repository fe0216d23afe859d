package dev.cdc.mysql;

import dev.cdc.base.Failure;
import dev.cdc.base.Json;
import dev.cdc.db.Db;
import dev.cdc.db.Sql;
import dev.cdc.db.Table;
import dev.cdc.source.Backlog;
import dev.cdc.source.Capture;
import dev.cdc.source.Captures;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/** Capture on a MySQL/MariaDB source, as {@code cdc setup}, {@code teardown} and {@code produce} use it. */
final class MySqlCaptures implements Captures {
    @Override
    public List<String> install(Handle h, Capture capture) {
        Table t = capture.table();
        if (capture.changelogName() != null && !capture.changelogName().equals(t.name() + "_cdc")) {
            throw Failure.usage("--changelog is not supported for MySQL sources: the changelog is " + t.name() + "_cdc");
        }
        boolean had = find(h, t.schema(), t.name()).isPresent() || h.createQuery(Sql.load("mysql/changelog_exists.sql"))
                .bind("schema", t.schema()).bind("name", t.name() + "_cdc").mapTo(Boolean.class).one();
        List<String> done;
        try {
            done = new java.util.ArrayList<>(h.inTransaction(tx -> MySqlCapture.install(tx, capture)));
        } catch (RuntimeException e) {
            // MySQL's DDL commits at once: what this setup made (nothing was there before) goes again
            boolean undone = !had && MySqlRights.untilOneFails(step -> MySqlCapture.uninstall(h, capture, step));
            throw MySqlRights.explain(h, e, t, had ? "" : undone ? "; what setup had made was removed"
                    : "; what setup had made could not all be removed: run cdc teardown --table " + t.display());
        }
        done.add(0, "capture of " + t.display() + ": changelog " + t.schema() + "." + t.name() + "_cdc, "
                + "AFTER INSERT/UPDATE/DELETE triggers" + (capture.origin() == null ? ""
                : ", row versions in " + t.schema() + "." + capture.versionsName()));
        return done;
    }

    @Override
    public String versions(Capture capture) {
        return MySqlCapture.versions(capture);
    }

    /**
     * Grants a user or role (MySQL's {@code 'name'}, i.e. {@code 'name'@'%'}) what cdc produce and
     * cdc status need: the changelog's rows, the cursor's, and the table's columns (to announce them).
     */
    @Override
    public void grantProducer(Handle h, Capture capture, String role) {
        Table t = capture.table();
        Map<String, String> v = Map.of("table", MySqlCapture.ident(t.schema()) + "." + MySqlCapture.ident(t.name()),
                "changelog", MySqlCapture.changelog(t.schema(), t.name()), "role", MySqlCapture.literal(role),
                "retained", MySqlCapture.retained(t.schema(), t.name()));
        List<String> grants = java.util.Arrays.stream(Sql.render("mysql/grant_produce.sql", v).split(";\\s*\\n"))
                .map(s -> s.lines().filter(l -> !l.startsWith("--")).collect(java.util.stream.Collectors.joining("\n")).strip())
                .filter(s -> !s.isEmpty()).toList();
        for (String statement : grants) {
            try {
                h.execute(statement);
            } catch (RuntimeException e) {
                throw MySqlRights.cannotGrant(e, role, grants);
            }
        }
    }

    @Override
    public void uninstall(Handle h, Capture capture) {
        MySqlCapture.uninstall(h, capture);
    }

    @Override
    public Optional<Capture> find(Handle h, String schema, String name) {
        return captures(h, schema, name).stream().findFirst();
    }

    @Override
    public Capture load(Handle h, Db source, String schema, String name) {
        return find(h, schema, name).orElseThrow(() -> Failure.precondition("table " + schema + "." + name
                + " is not captured on the " + source.where() + " (run cdc setup --table " + schema + "." + name + ")"));
    }

    @Override
    public List<Capture> all(Handle h, Db source) {
        List<Capture> all = captured(h, source);
        if (all.isEmpty()) {
            throw Failure.precondition("no table is captured on the " + source.where() + " (run cdc setup)");
        }
        return all;
    }

    @Override
    public List<Capture> captured(Handle h, Db source) {
        return captures(h, null, null);
    }

    private static List<Capture> captures(Handle h, String schema, String name) {
        if (!h.createQuery(Sql.load("mysql/installed.sql")).mapTo(Boolean.class).one()) {
            return List.of();
        }
        return h.createQuery(Sql.load("mysql/find_captures.sql")).bind("schema", schema).bind("table", name).mapToMap().list()
                .stream().map(r -> {
                    String s = (String) r.get("table_schema");
                    String t = (String) r.get("table_name");
                    Table table = MySqlCatalog.INSTANCE.find(h, s, t).orElseThrow(() -> Failure.precondition(
                            "table " + s + "." + t + " is captured but no longer exists, or this user may not see it (MySQL shows a "
                                    + "user only the tables it has a right on): run cdc teardown --table " + s + "." + t
                                    + ", or name the tables to publish with --table"));
                    String key = (String) r.get("key_columns");
                    return Capture.of(Capture.keyedAsRecorded(table, key == null ? null : Json.stringList(key)),
                            (String) r.get("changelog_name"), (String) r.get("topic"), (String) r.get("origin"));
                }).toList();
    }

    /**
     * The cursors of {@code cdc.capture}; the producer is the connection holding the table's named
     * lock (its host as the process list shows it, which needs the PROCESS privilege for another
     * user's connection). MySQL's cursor records no time of the last publish.
     */
    @Override
    public List<Cursor> cursors(Handle h) {
        if (!h.createQuery(Sql.load("mysql/installed.sql")).mapTo(Boolean.class).one()) {
            throw Failure.precondition("no table is captured on this MySQL/MariaDB source (run: cdc setup)");
        }
        List<Cursor> cursors = new java.util.ArrayList<>();
        for (Map<String, Object> r : h.createQuery(Sql.load("mysql/status.sql")).mapToMap().list()) {
            String schema = (String) r.get("table_schema");
            String table = (String) r.get("table_name");
            Map<String, Object> p = h.createQuery(Sql.load("mysql/producer.sql"))
                    .bind("name", MySqlSession.lockName(schema, table)).mapToMap().one();
            cursors.add(new Cursor(schema, table, ((Number) r.get("window_id")).longValue(),
                    ((Number) r.get("published")).longValue(), null, utc(r.get("now")),
                    p.get("pid") == null ? null : ((Number) p.get("pid")).intValue(), (String) p.get("host"), null));
        }
        return cursors;
    }

    /** A DATETIME of cdc's sessions (UTC), as JDBC gives it. */
    static java.time.Instant utc(Object datetime) {
        return datetime instanceof java.time.LocalDateTime l ? l.toInstant(java.time.ZoneOffset.UTC)
                : ((java.sql.Timestamp) datetime).toLocalDateTime().toInstant(java.time.ZoneOffset.UTC);
    }

    @Override
    public Backlog backlog(Handle h, Capture capture) {
        Map<String, Object> r = h.createQuery(Sql.render("mysql/backlog.sql",
                Map.of("changelog", MySqlCapture.changelog(capture.table().schema(), capture.table().name())))).mapToMap().one();
        return new Backlog(((Number) r.get("events")).longValue(),
                r.get("oldest_seconds") == null ? null : ((Number) r.get("oldest_seconds")).doubleValue());
    }

    @Override
    public long snapshot(Handle h, Capture capture, long progressMillis) {
        return MySqlSnapshot.run(h, capture, progressMillis, MySqlSnapshot.STRETCH_ROWS);
    }
}
