package dev.cdc.mysql;

import dev.cdc.db.Db;
import dev.cdc.db.Sql;
import dev.cdc.source.Changelog;
import dev.cdc.source.ChangelogPublisher;
import dev.cdc.source.SourceSession;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.jdbi.v3.core.Handle;

/**
 * One connection to a MySQL/MariaDB source on which several tables' changelogs are read. A table's
 * producer lock is a named lock of the session ({@code GET_LOCK}), freed when it ends. MySQL has
 * no LISTEN/NOTIFY: waiting for changes looks at every changelog of the session in one statement
 * every {@link #LOOK_MILLIS}.
 */
final class MySqlSession implements SourceSession {
    /** How often a waiting session looks for changes. */
    static final long LOOK_MILLIS = 20;
    private final Handle db;
    private final MySqlCaptures captures;
    private final List<MySqlChangelog> attached = new ArrayList<>();
    private final MySqlColumnWatch columns;

    MySqlSession(Db source, MySqlCaptures captures) {
        this.db = source.open("cdc-produce");
        this.captures = captures;
        this.columns = new MySqlColumnWatch(db);
    }

    @Override
    public Optional<Changelog> attach(ChangelogPublisher.Config cfg) {
        var capture = captures.load(db, cfg.source(), cfg.schema(), cfg.table());
        boolean locked = db.createQuery(Sql.load("mysql/try_lock.sql")).bind("name", lockName(cfg.schema(), cfg.table()))
                .mapTo(Integer.class).one() == 1;
        if (!locked) {
            return Optional.empty();
        }
        MySqlChangelog log = new MySqlChangelog(cfg, db, captures, columns, capture);
        attached.add(log);
        return Optional.of(log);
    }

    /** The producer lock's name: at most 64 characters, whatever the table's name. */
    static String lockName(String schema, String table) {
        return "cdc-produce:" + Sql.sha256(schema + "." + table).substring(0, 40);
    }

    @Override
    public List<Integer> withChanges(List<Changelog> changelogs) {
        if (changelogs.isEmpty()) {
            return List.of();
        }
        String union = IntStream.range(0, changelogs.size())
                .mapToObj(i -> "(SELECT " + i + " AS i FROM " + ((MySqlChangelog) changelogs.get(i)).changelogName() + " LIMIT 1)")
                .collect(Collectors.joining(" UNION ALL "));
        return db.createQuery(Sql.render("mysql/with_rows.sql", java.util.Map.of("parts", union))).mapTo(Integer.class).list();
    }

    @Override
    public void inTransaction(Runnable work) {
        db.useTransaction(tx -> work.run());
    }

    /** Each page is read by its own statements (see {@link MySqlCursor}). */
    @Override
    public void reading(Runnable work) {
        work.run();
    }

    @Override
    public void finishPages(List<Finish> pages) {
        inTransaction(() -> pages.forEach(f -> f.log().finishPage(f.page(), f.announced(), f.keyedFor())));
    }

    @Override
    public Set<String> waitForChanges(long millis) {
        long until = System.nanoTime() + millis * 1_000_000;
        Set<String> woken = new LinkedHashSet<>();
        while (millis > 0) {
            List<Changelog> logs = new ArrayList<>(attached);
            withChanges(logs).forEach(i -> woken.add(logs.get(i).channel()));
            long left = (until - System.nanoTime()) / 1_000_000;
            if (!woken.isEmpty() || left <= 0) {
                break;
            }
            try {
                Thread.sleep(Math.min(LOOK_MILLIS, left));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return woken;
    }

    @Override
    public void close() {
        attached.clear();
        db.close();
    }
}
