package dev.cdc.source;

import dev.cdc.base.Failure;
import dev.cdc.db.Sql;
import dev.cdc.db.Table;

/**
 * A captured table on the source and its changelog: the table (keyed as its events are), the
 * changelog's schema and name, the topic, and its number in cdc.capture; installed, found and
 * removed by the engine's {@link Captures}. {@code origin}: for two-way sync, the
 * name of this side (its changes' versions are kept, see {@code two_way.sql}); else null. The
 * table's key is what events are keyed by: its primary key, or for two-way sync the columns that
 * relate rows across sides, or for a table without a primary key the unique columns named with
 * --key ({@link Table#keyedBy}, recorded in cdc.capture.key_columns).
 */
public record Capture(Table table, String changelogSchema, String changelogName, String topic, String origin, Integer lockId) {
    /**
     * The table keyed as setup recorded it (cdc.capture.key_columns): as its capture triggers key
     * its changes, whatever its primary key is now (for two-way sync the columns that relate rows,
     * for a table without a primary key those of --key). Null (set up by an older cdc): its
     * primary key.
     */
    public static Table keyedAsRecorded(Table table, java.util.List<String> recorded) {
        return recorded != null ? table.keyedBy(recorded) : table;
    }

    /** What to do about a table without a primary key, for messages. */
    public static String withoutKeyAdvice(String table) {
        return "add one, or name NOT NULL columns with a unique index that identify its rows: cdc setup --table " + table
                + " --key COLUMN,...";
    }

    /** The capture of a table under the default names. */
    public static Capture of(Table table) {
        return of(table, null, null);
    }

    /**
     * The capture of a table; a null name takes the default: the changelog {@code <table>_cdc} in
     * the table's schema and the topic {@code <schema>.<table>} (characters Kafka does not allow
     * become {@code _}). The demo table keeps its historical names, {@code emp_cdc} and
     * {@code employee_cdc}.
     */
    public static Capture of(Table table, String changelog, String topic) {
        return of(table, changelog, topic, null);
    }

    /** The same, for two-way sync when {@code origin} (this side's name) is not null. */
    public static Capture of(Table table, String changelog, String topic, String origin) {
        boolean demo = isDemo(table.schema(), table.name());
        if (changelog != null && Sql.bytes(changelog) > Sql.NAME_BYTES) {
            throw Failure.usage("--changelog " + changelog + " is longer than the " + Sql.NAME_BYTES
                    + " bytes PostgreSQL keeps of a name; choose a shorter one");
        }
        return new Capture(table, table.schema(), changelog != null ? changelog : demo ? "emp_cdc" : Sql.fitName(table.name(), "_cdc"),
                topic != null ? topic : defaultTopic(table.schema(), table.name()), origin, null);
    }

    /**
     * The same capture with its number in cdc.capture (lock_id): unique per captured table of the
     * database, it is the second key of the producer's advisory lock and of the wake lock.
     */
    public Capture withLockId(int id) {
        return new Capture(table, changelogSchema, changelogName, topic, origin, id);
    }

    /** The default topic of a table's events. */
    public static String defaultTopic(String schema, String name) {
        return isDemo(schema, name) ? "employee_cdc" : (schema + "." + name).replaceAll("[^A-Za-z0-9._-]", "_");
    }

    /** Whether the table is the demo's, public.employees (which keeps its historical names). */
    public static boolean isDemo(String schema, String name) {
        return schema.equals("public") && name.equals("employees");
    }

    /** The name of the table of versions, in the changelog's schema. */
    public String versionsName() {
        return Sql.fitName(changelogName, "_versions");
    }

    /** The name of the table of retained rows, in the changelog's schema. */
    public String retainedName() {
        return Sql.fitName(changelogName, "_retained");
    }

    public String changelogDisplay() {
        return changelogSchema + "." + changelogName;
    }

    /** The number of this capture in cdc.capture; a capture installed by a cdc before it had one must be set up again. */
    public int requireLockId() {
        if (lockId == null) {
            throw installedByOlderCdc();
        }
        return lockId;
    }

    /** This capture lacks what the current cdc installs: cdc setup must run again. */
    public Failure installedByOlderCdc() {
        return Failure.precondition("capture of " + table.display() + " was installed by an older cdc; run cdc setup --table "
                + table.display() + " again to upgrade it (the cursor is kept)");
    }

    /** The LISTEN/NOTIFY channel the triggers signal on (pg_notify refuses one of 64 bytes or more). */
    public String channel() {
        return Sql.fitName(changelogDisplay(), "");
    }
}
