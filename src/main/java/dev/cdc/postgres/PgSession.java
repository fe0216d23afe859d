package dev.cdc.postgres;

import dev.cdc.db.Db;
import dev.cdc.db.Sql;
import dev.cdc.source.Changelog;
import dev.cdc.source.ChangelogPublisher;
import dev.cdc.source.SourceSession;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.ConnectionException;
import org.jdbi.v3.core.Handle;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * A connection of {@code cdc produce} to a PostgreSQL source: the producer locks, wake locks and
 * LISTENs of the tables it publishes are this session's, and end with it.
 */
final class PgSession implements SourceSession {
    private final Handle h;
    /** The statements of the sweep's parts (they look at the same changelogs, sweep after sweep). */
    private final Map<List<Changelog>, String> withRowsSql = new java.util.HashMap<>();

    PgSession(Db source) {
        this.h = source.open("cdc-produce");
    }

    @Override
    public Optional<Changelog> attach(ChangelogPublisher.Config cfg) {
        return PgChangelog.attach(cfg, h);
    }

    @Override
    public void inTransaction(Runnable work) {
        h.useTransaction(tx -> work.run()); // the changelogs' own transactions on h join this one
    }

    /** The windows are opened by one statement (open_windows.sql). */
    @Override
    public List<Integer> openWindows(List<Changelog> changelogs) {
        return PgChangelog.openWindows(h, changelogs.stream().map(PgChangelog.class::cast).toList());
    }

    /** The producer locks of the tables, tried in one statement (try_locks.sql). */
    @Override
    public List<Integer> free(List<ChangelogPublisher.Config> tables) {
        return h.createQuery(Sql.load("source/try_locks.sql")).bind("c", PgChangelog.LOCK_CLASS)
                .bindArray("schemas", String.class, tables.stream().map(ChangelogPublisher.Config::schema).toList())
                .bindArray("tables", String.class, tables.stream().map(ChangelogPublisher.Config::table).toList())
                .map((rs, ctx) -> rs.getInt("i") - 1).list();
    }

    @Override
    public void reading(Runnable work) {
        inTransaction(work);
    }

    /**
     * One statement for the round's pages (finish_pages.sql). Safe without waiting for the disk:
     * if a crash loses this commit, the pages are published again with the same positions (the
     * consumer skips them), and the next window cannot be opened durably without flushing this
     * commit's WAL first.
     */
    @Override
    public void finishPages(List<Finish> pages) {
        h.useTransaction(tx -> {
            tx.execute(Sql.load("source/relax_commit.sql"));
            PgChangelog.finishPages(tx, pages);
        });
    }

    @Override
    public List<Integer> withChanges(List<Changelog> changelogs) {
        if (changelogs.isEmpty()) {
            return List.of();
        }
        if (withRowsSql.size() > 64) { // the tables a sweep's parts look at changed many times
            withRowsSql.clear();
        }
        String sql = withRowsSql.computeIfAbsent(List.copyOf(changelogs), logs -> {
            List<String> checks = new java.util.ArrayList<>();
            for (int i = 0; i < logs.size(); i++) {
                checks.add(Sql.render("source/with_rows_check.sql", Map.of("i", Integer.toString(i),
                        "changelog", new PgCaptureSql(logs.get(i).capture()).changelog())).strip());
            }
            return Sql.render("source/with_rows.sql", Map.of("checks", String.join(", ", checks)));
        });
        return h.createQuery(sql).mapTo(Integer.class).list();
    }

    @Override
    public Set<String> waitForChanges(long millis) {
        Set<String> channels = new HashSet<>();
        try {
            PGConnection c = h.getConnection().unwrap(PGConnection.class);
            // with a timeout, waits until one comes; without, takes those the connection has read already
            PGNotification[] got = millis > 0 ? c.getNotifications((int) millis) : c.getNotifications();
            if (got != null) {
                for (PGNotification n : got) {
                    channels.add(n.getName());
                }
            }
        } catch (SQLException e) {
            throw new ConnectionException(e);
        }
        return channels;
    }

    @Override
    public void close() {
        try {
            h.close();
        } catch (RuntimeException ignored) {
            // the connection is gone already; its session's locks ended with it
        }
    }
}
