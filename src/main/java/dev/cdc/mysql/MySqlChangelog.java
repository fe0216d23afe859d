package dev.cdc.mysql;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cdc.base.Json;
import dev.cdc.db.Sql;
import dev.cdc.source.Capture;
import dev.cdc.source.Changelog;
import dev.cdc.source.ChangelogPublisher;
import dev.cdc.source.Page;
import java.util.Map;
import org.jdbi.v3.core.Handle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A MySQL/MariaDB changelog read on a {@link MySqlSession}: the window cursor is
 * {@link MySqlCursor}; this adds what the publisher keeps beside it (the columns announced, the
 * partitions the events are keyed for). MySQL has no LISTEN/NOTIFY: the session looks for rows.
 */
final class MySqlChangelog implements Changelog {
    private static final Logger log = LoggerFactory.getLogger("cdc.produce");
    private final ChangelogPublisher.Config cfg;
    private final Handle db;
    private final MySqlCaptures captures;
    private final MySqlColumnWatch columns;
    private Capture capture;
    private final MySqlCursor cursor;
    private Integer keyedFor;
    private JsonNode announced;
    private long lastPurge = System.nanoTime() - 1_000_000_000L;

    MySqlChangelog(ChangelogPublisher.Config cfg, Handle db, MySqlCaptures captures, MySqlColumnWatch columns, Capture capture) {
        this.cfg = cfg;
        this.db = db;
        this.captures = captures;
        this.columns = columns;
        columns.watch(cfg.schema(), cfg.table());
        this.capture = capture;
        this.cursor = new MySqlCursor(db, cfg.schema(), cfg.table(), changelogName(),
                cfg.retain().isZero() ? null : MySqlCapture.retained(cfg.schema(), cfg.table()));
        db.useTransaction(tx -> cursor.load());
        Map<String, Object> r = db.createQuery(Sql.load("mysql/keyed.sql")).bind("schema", cfg.schema())
                .bind("table", cfg.table()).mapToMap().one();
        keyedFor = r.get("partitions") == null ? null : ((Number) r.get("partitions")).intValue();
        try {
            announced = r.get("columns") == null ? null : Json.MAPPER.readTree((String) r.get("columns"));
        } catch (java.io.IOException e) {
            announced = null; // announced again
        }
    }

    /** The changelog's quoted name. */
    String changelogName() {
        return MySqlCapture.changelog(cfg.schema(), cfg.table());
    }

    @Override
    public Capture capture() {
        return capture;
    }

    @Override
    public String epoch() {
        return cursor.epoch();
    }

    @Override
    public long windowId() {
        return cursor.windowId();
    }

    @Override
    public long lastSeq() {
        return cursor.lastSeq();
    }

    @Override
    public boolean windowOpen() {
        return cursor.windowOpen();
    }

    @Override
    public Integer keyedFor() {
        return keyedFor;
    }

    @Override
    public JsonNode announced() {
        return announced;
    }

    /**
     * With --retain: deletes the retained rows once older than that, at most once a second (InnoDB
     * purges deleted rows by itself). And keeps the capture triggers current with the table's columns.
     */
    @Override
    public void maintain() {
        long now = System.nanoTime();
        if (!cfg.retain().isZero() && now - lastPurge >= 1_000_000_000L) {
            lastPurge = now;
            db.createUpdate(Sql.render("mysql/purge_retained.sql", Map.of("retained",
                    MySqlCapture.retained(cfg.schema(), cfg.table())))).bind("retain_ms", cfg.retain().toMillis()).execute();
        }
        if (columns.changed(cfg.schema(), cfg.table())) {
            keepTriggersCurrent();
        }
    }

    /**
     * When produce starts, and after an ALTER TABLE: the capture triggers name the table's columns,
     * so with columns added they would not record them, and with one dropped or renamed they make
     * the application's writes fail. On MariaDB they are made again when they no longer match, in
     * one step each, as cdc setup would (waiting at most {@link #LOCK_WAIT_SECONDS} for the table's
     * open transactions); on MySQL 8 (a DROP and a CREATE, with a gap between) and without the right
     * to, a warning says what to run. A check that fails is tried again a minute later.
     */
    private void keepTriggersCurrent() {
        String table = cfg.schema() + "." + cfg.table();
        try {
            Capture now = captures.find(db, cfg.schema(), cfg.table()).orElse(null);
            if (now == null || MySqlCapture.triggersCurrent(db, now)) {
                return;
            }
            if (!db.createQuery(Sql.load("mysql/is_mariadb.sql")).mapTo(Boolean.class).one()) {
                throw new IllegalStateException("on MySQL a trigger is replaced by a DROP and a CREATE, and a write between "
                        + "the two would not be captured; run setup when the application is quiet");
            }
            db.execute(Sql.render("mysql/lock_wait.sql", Map.of("seconds", Integer.toString(LOCK_WAIT_SECONDS))));
            try {
                db.useTransaction(tx -> MySqlCapture.install(tx, now));
            } finally {
                db.execute(Sql.render("mysql/lock_wait.sql", Map.of("seconds", "DEFAULT")));
            }
            log.warn("{}: its columns changed (ALTER TABLE); its capture triggers were made again for {}. Changes written "
                    + "between the ALTER and now lack the values of an added column: cdc snapshot --table {} copies the "
                    + "table again", table, now.table().columns(), table);
        } catch (RuntimeException e) {
            columns.again(cfg.schema(), cfg.table(), RETRY_NANOS);
            log.warn("{}: its columns changed (ALTER TABLE), and its capture triggers still name the old ones: an added "
                    + "column is not recorded, and a dropped one makes the application's writes fail. Run cdc setup --table {} "
                    + "(produce did not make them again: {})", table, table, e.getMessage());
        }
    }

    /** How long produce's remaking of the triggers waits for the table's open transactions. */
    private static final int LOCK_WAIT_SECONDS = 5;
    private static final long RETRY_NANOS = 60_000_000_000L;

    @Override
    public boolean openWindow() {
        return cursor.open();
    }

    @Override
    public Page readPage(int pageSize) {
        return cursor.readPage(pageSize);
    }

    @Override
    public void finishPage(Page page, String announcedColumns, Integer keyedFor) {
        cursor.finishPage(page);
        if (announcedColumns != null || !java.util.Objects.equals(keyedFor, this.keyedFor)) {
            db.createUpdate(Sql.load("mysql/save_keyed.sql")).bind("columns", announcedColumns).bind("partitions", keyedFor)
                    .bind("schema", cfg.schema()).bind("table", cfg.table()).execute();
            this.keyedFor = keyedFor;
        }
    }

    @Override
    public boolean definitionChanged() {
        return false;
    }

    @Override
    public Capture reload() {
        capture = captures.load(db, cfg.source(), cfg.schema(), cfg.table());
        return capture;
    }

    @Override
    public void markBusy(boolean busy) {
        // no wake-ups to silence: the session looks for rows
    }

    @Override
    public String channel() {
        return changelogName();
    }

    @Override
    public long backlog() {
        return captures.backlog(db, capture).events();
    }
}
