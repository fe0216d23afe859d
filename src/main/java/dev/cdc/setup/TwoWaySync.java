package dev.cdc.setup;

import dev.cdc.base.Failure;
import dev.cdc.db.Db;
import dev.cdc.db.Sql;
import dev.cdc.db.Table;
import dev.cdc.engine.Engines;
import dev.cdc.event.SourceName;
import dev.cdc.postgres.TargetTable;
import dev.cdc.source.Capture;
import dev.cdc.source.Captures;
import dev.cdc.target.Applier;
import dev.cdc.target.Subscription;
import dev.cdc.target.TargetEngine;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.jdbi.v3.core.Handle;

/**
 * {@code cdc setup --two-way}: keeps tables in sync in both directions between two databases,
 * side a (where the tables exist) and side b. Each side captures its table, publishes to a topic
 * of its own ({@code <topic>.from-<side name>}) and applies the other side's topic; row versions
 * resolve conflicts (see {@code sql/source/two_way.sql} and {@link Applier}).
 *
 * <p>Rows are related across sides by the primary key, or by {@code key}: columns both sides share
 * (a UUID, say) while each side assigns its own primary key (a serial id). Those columns must be
 * NOT NULL and unique on both sides, and the other primary key columns filled by the table itself
 * (a default or an identity): they are this side's own, never written across.
 */
public final class TwoWaySync {
    private final Request r;
    /** What was done, a line per step. */
    private final List<String> done = new ArrayList<>();
    /** Side a's captures installed now: their existing rows are copied. */
    private final List<Capture> fresh = new ArrayList<>();

    private TwoWaySync(Request r) {
        this.r = r;
    }

    /** One side: its database, its name, what messages call it ("source": side a, "target": side b), and whether its rows are copied. */
    private record Side(Db db, String name, String label, boolean copied) {
    }

    /**
     * What was asked: the tables ("schema.table"), the table's name on side b when it differs (one
     * table; null: the same), the base name of the topics (null: the table's default topic), the
     * sides' names, the columns rows are related by (null: the primary key), whether a's existing
     * rows are copied to b, and the roles to grant on both sides.
     */
    public record Request(List<String> tables, String tableOnB, String topic, String nameA, String nameB, List<String> key,
                          boolean snapshot, Setup.Roles roles) {
    }

    /** Sets up two-way sync of the tables between {@code a} and {@code b}; returns what it did, a line per step. */
    public static List<String> setup(Db a, Db b, Request r) {
        if (r.tables().isEmpty()) {
            throw Failure.usage("--two-way needs --table: the tables to keep in sync (the employees demo has no "
                    + "column both sides could relate rows by)");
        }
        if (r.tables().size() > 1 && r.topic() != null) {
            throw Failure.usage("--topic names one table's topics; give one --table with it");
        }
        if (r.tables().size() > 1 && r.tableOnB() != null) {
            throw Failure.usage("--target-table names one table on the target; give one --table with it");
        }
        for (String name : List.of(r.nameA(), r.nameB())) {
            SourceName.require(name, "a side's name");
        }
        if (r.nameA().equals(r.nameB())) {
            throw Failure.usage("the two sides need different names, not both '" + r.nameA() + "'");
        }
        // everything is checked on both sides before anything is installed
        List<Table> found = a.run("setup", h -> {
            List<Table> tables = new ArrayList<>();
            for (String name : r.tables()) {
                String[] n = Table.parseName(name);
                Table t = Engines.catalog(a).find(h, n[0], n[1]).orElseThrow(() -> Failure.precondition(
                        "table " + n[0] + "." + n[1] + " does not exist on the " + a.where()));
                checkKey(h, t, r.key(), a);
                tables.add(t);
            }
            return tables;
        });
        b.run("setup", h -> {
            found.forEach(t -> checkOther(h, t, onB(r, t), r.key(), b, a.isMySql() == b.isMySql()));
            return null;
        });
        return new TwoWaySync(r).install(a, b, found);
    }

    private List<String> install(Db a, Db b, List<Table> found) {
        Side sideA = new Side(a, r.nameA(), "source", true);
        Side sideB = new Side(b, r.nameB(), "target", false);
        for (Table t : found) {
            List<String> key = r.key() != null ? r.key() : t.key();
            String base = r.topic() != null ? r.topic() : Capture.defaultTopic(t.schema(), t.name());
            Table named = onB(r, t);
            Table onB = b.run("setup", h -> {
                done.add("target: " + (r.key() == null ? Engines.target(b).ensureTable(h, named)
                        : addShared(h, b, find(h, b, named), t, key)));
                return find(h, b, named);
            });
            Table onA = a.run("setup", h -> {
                String added = addShared(h, a, find(h, a, t), onB, key);
                if (!added.endsWith("kept as is")) {
                    done.add("source: " + added);
                }
                return find(h, a, t);
            });
            Capture ca = a.run("setup", h -> capture(h, onA, key, base, sideA));
            Capture cb = b.run("setup", h -> capture(h, onB, key, base, sideB));
            a.run("setup", h -> subscribe(h, cb, ca, sideA));
            b.run("setup", h -> subscribe(h, ca, cb, sideB));
            done.add("create the topics " + ca.topic() + " and " + cb.topic()
                    + " (cdc topic create NAME), then run a cdc produce and a cdc consume for each side");
        }
        if (r.snapshot() && !fresh.isEmpty()) {
            done.addAll(Setup.snapshot(a, fresh, 5000));
        }
        return done;
    }

    /** Side a's table as side b names it (--target-table), with a's definition. */
    private static Table onB(Request r, Table t) {
        if (r.tableOnB() == null) {
            return t;
        }
        String[] n = Table.parseName(r.tableOnB());
        return new Table(n[0], n[1], t.definition(), t.key());
    }

    /**
     * With --key: the columns exist, are NOT NULL and unique (so that ON CONFLICT can find a row by
     * them), and the table fills its other primary key columns by itself.
     */
    private static void checkKey(Handle h, Table t, List<String> key, Db db) {
        if (key == null) {
            return;
        }
        KeyColumns.requireUnique(h, t, key, db, "--key");
        String where = " of " + t.display() + " on the " + db.where();
        List<String> filled = Engines.catalog(db).selfFilled(h, t);
        for (String c : local(t, key)) {
            if (!filled.contains(c)) {
                throw Failure.precondition("--key: primary key column " + c + where + " has no default; with --key each "
                        + "side assigns its own primary key (make it an identity, serial or AUTO_INCREMENT column)");
            }
        }
    }

    /**
     * Side b: its table, when it exists, can take a's rows (with --key it must exist, with its own
     * primary key, and the columns both share must have the same types when both sides are of one
     * engine; between engines, values are converted by the target's type mapping).
     */
    private static void checkOther(Handle h, Table a, Table named, List<String> key, Db b, boolean sameEngine) {
        if (key == null) {
            Engines.target(b).checkTable(h, named);
            return;
        }
        Table there = Engines.catalog(b).find(h, named.schema(), named.name()).orElseThrow(() -> Failure.precondition("--key: table "
                + named.display() + " does not exist on the " + b.where() + "; with --key each side has its own primary "
                + "key, so create it there first (with a unique, NOT NULL " + String.join(", ", key) + ")"));
        checkKey(h, there, key, b);
        List<String> problems = new ArrayList<>(sameEngine ? TargetTable.differences(shared(a, key), shared(there, key))
                : List.of());
        // each side's own key columns are in its events, and left out where they are applied
        for (Table[] pair : new Table[][] {{a, there}, {there, a}}) {
            for (String c : local(pair[0], key)) {
                if (!pair[1].columns().contains(c)) {
                    problems.add("primary key column " + c + " of the " + (pair[0] == a ? "source" : "target")
                            + " is missing on the " + (pair[0] == a ? "target" : "source")
                            + " (the primary key columns outside --key must have the same names on both sides)");
                }
            }
        }
        if (!problems.isEmpty()) {
            throw Failure.precondition("table " + there.display() + " on the " + b.where() + " cannot take the rows of the other "
                    + "side: " + String.join("; ", problems));
        }
    }

    /** The primary key columns outside {@code key}: each side's own. */
    private static List<String> local(Table t, List<String> key) {
        return t.key().stream().filter(c -> !key.contains(c)).toList();
    }

    /** The table as both sides share it: keyed by {@code key}, without the columns each side assigns itself. */
    private static Table shared(Table t, List<String> key) {
        List<String> local = local(t, key);
        return new Table(t.schema(), t.name(), t.definition().stream().filter(c -> !local.contains(c.name())).toList(), key);
    }

    /** Adds to this side's table ({@code here}) the shared columns of the other side's that it lacks. */
    private static String addShared(Handle h, Db db, Table here, Table other, List<String> key) {
        List<String> added = Engines.target(db).addColumns(h, here, shared(other, key).definition());
        return "table " + here.display() + (added.isEmpty() ? " already exists with a compatible shape, kept as is"
                : ": added the other side's column(s) " + String.join(", ", added));
    }

    private static Table find(Handle h, Db db, Table t) {
        return Engines.catalog(db).find(h, t.schema(), t.name()).orElseThrow();
    }

    /**
     * One side's capture, keyed by {@code key}, and the rights of the producer roles; added to
     * {@link #fresh} if newly installed on a side whose rows are copied.
     */
    private Capture capture(Handle h, Table t, List<String> key, String baseTopic, Side s) {
        String side = s.label();
        String name = s.name();
        Captures captures = Engines.source(s.db()).captures();
        var installed = captures.find(h, t.schema(), t.name());
        if (installed.isPresent() && installed.get().origin() != null && !installed.get().table().key().equals(key)) {
            throw Failure.usage(t.display() + " on the " + side + " is in two-way sync already, its rows related by ("
                    + String.join(", ", installed.get().table().key()) + "); to relate them otherwise, remove capture "
                    + "first on both sides (cdc teardown --table " + t.display() + " here, and on the other side with its table's "
                    + "name there)");
        }
        Capture c = Capture.of(t.keyedBy(key), installed.map(Capture::changelogName).orElse(null),
                baseTopic + ".from-" + name, name);
        captures.install(h, c).forEach(l -> done.add(side + ": " + l));
        if (s.copied() && installed.isEmpty()) {
            fresh.add(c);
        }
        for (String role : r.roles().producers()) {
            captures.grantProducer(h, c, role);
            done.add(side + ": role " + role + " may produce and read the status of " + t.display());
        }
        done.add(side + ": this side is '" + name + "'; its changes go to topic " + c.topic() + ", its rows' versions are in "
                + c.changelogSchema() + "." + c.versionsName() + (local(t, key).isEmpty() ? ""
                : "; rows are related by (" + String.join(", ", key) + "), " + String.join(", ", local(t, key))
                + " is this side's own"));
        return c;
    }

    /**
     * On one side: the bookkeeping, that the other side's topic feeds the table (two-way, by its
     * key), and the rights of the consumer roles.
     */
    private Void subscribe(Handle h, Capture other, Capture here, Side s) {
        String side = s.label();
        TargetEngine engine = Engines.target(s.db());
        engine.install(h);
        Table t = here.table();
        String versions = Engines.source(s.db()).captures().versions(here);
        String otherName = other.table().display();
        engine.subscribe(h, other.topic(), t, false, new Subscription.TwoWay(versions, t.key(),
                otherName.equals(t.display()) ? null : otherName));
        done.add(side + ": topic " + other.topic() + " (the changes of '" + other.origin() + "'" + (otherName.equals(t.display())
                ? "" : " to " + otherName) + ") feeds " + t.display() + "; conflicts are recorded in cdc.conflicts");
        for (String role : r.roles().consumers()) {
            engine.grantConsumer(h, t, role);
            String warning = engine.grantTwoWay(h, t, versions, role);
            done.add(side + ": role " + role + " may consume into " + t.display() + (warning == null ? "" : " (" + warning + ")"));
        }
        return null;
    }
}
