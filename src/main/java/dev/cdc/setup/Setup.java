package dev.cdc.setup;

import dev.cdc.base.Failure;
import dev.cdc.db.Db;
import dev.cdc.db.Sql;
import dev.cdc.db.Table;
import dev.cdc.db.TableSelector;
import dev.cdc.engine.Engines;
import dev.cdc.source.Capture;
import dev.cdc.source.Captures;
import dev.cdc.target.TargetEngine;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jdbi.v3.core.Handle;

/**
 * {@code cdc setup} (one-way): capture on the source, and on the target the tables, the
 * bookkeeping and which topic feeds which table. Two-way sync is {@link TwoWaySync}.
 */
public final class Setup {
    public static final String EMPLOYEES = "employees";

    private final Db source;
    private final Db target;
    private final Request request;
    /** What was done, a line per step. */
    private final List<String> done = new ArrayList<>();
    /** The captures installed by this setup (not there before): their existing rows are copied. */
    private final List<Capture> fresh = new ArrayList<>();

    private Setup(Db source, Db target, Request request) {
        this.source = source;
        this.target = target;
        this.request = request;
    }

    /** Installs the employees table and its capture on the source, the table and bookkeeping on the target. */
    public static List<String> demo(Db source, Db target) {
        return run(source, target, new Request(TableSelector.of(List.of()), null, null, true, Roles.NONE, null, null));
    }

    /** Roles to grant what cdc produce (on the source) and cdc consume (on the target) need. */
    public record Roles(List<String> producers, List<String> consumers) {
        public static final Roles NONE = new Roles(List.of(), List.of());
    }

    /**
     * What cdc setup was asked: the tables (names, patterns, schemas; none: the employees demo),
     * the changelog's and the topic's names (null: the defaults), whether existing rows are copied,
     * the roles to grant, the consolidated table (null: none), and for tables without a primary key
     * named one by one, the unique NOT NULL columns their rows are keyed by instead (null: none).
     */
    public record Request(TableSelector tables, String changelog, String topic, boolean snapshot, Roles roles,
                          String consolidateInto, List<String> key) {
    }

    /**
     * Installs capture for the named tables ("schema.table"; none: the employees demo, table
     * included) on the source, and on the target the tables (created from the source's definition
     * when missing), the bookkeeping, and which topic feeds which table. A null changelog or topic
     * takes the default name; a name can only be given for one table. With {@code snapshot}, the
     * rows a newly captured table already has are copied into its changelog, last. With
     * {@code consolidateInto} ("schema.table"), the target gets that one table instead, for the rows
     * of every source (see {@link Table#consolidated}). A null target: capture on the source only, for
     * events that go to an HTTP endpoint or a command, not a database.
     */
    public static List<String> run(Db source, Db target, Request request) {
        if (target == null && (request.tables().isEmpty() || request.consolidateInto() != null)) {
            throw Failure.usage(request.tables().isEmpty() ? "--no-target captures the tables named with --table or --schema"
                    : "--no-target does not go with --consolidate-into (a table on the target)");
        }
        if ((source.isMySql() || target != null && target.isMySql()) && request.tables().isEmpty()) {
            throw Failure.usage("name the tables to capture (--table or --schema); the demo table is PostgreSQL's, on "
                    + "both sides");
        }
        if (request.key() != null && (request.tables().isEmpty() || !request.tables().exact())) {
            throw Failure.usage("--key keys tables without a primary key that are named one by one with --table, "
                    + "not patterns or --schema");
        }
        if ((request.tables().tables().size() > 1 || !request.tables().exact()) && request.changelog() != null) {
            throw Failure.usage("--changelog names one table's changelog; give one --table with it");
        }
        return new Setup(source, target, request).run();
    }

    private Captures captures() {
        return Engines.source(source).captures();
    }

    private List<String> run() {
        List<Capture> captures;
        try {
            captures = source.run("setup", this::captureOnSource);
            if (target != null) {
                target.run("setup", h -> {
                    prepareTarget(h, captures);
                    return null;
                });
            }
        } catch (RuntimeException e) {
            if (request.snapshot()) { // nothing of theirs copied or published yet
                undoFresh(e);
            }
            throw e;
        }
        if (request.snapshot() && !fresh.isEmpty()) {
            done.addAll(snapshot(source, fresh, 5000));
        }
        if (request.topic() == null && fresh.size() >= MANY_TOPICS && fresh.size() == captures.size()) {
            done.add("note: " + fresh.size() + " tables were given a topic each; with hundreds of tables one topic for all "
                    + "costs Kafka and cdc far less (cdc setup --topic NAME, given when the tables are first captured; "
                    + "see the README's \"Many tables\")");
        }
        return done;
    }

    /**
     * After a failure before any row was copied: removes the captures this setup installed, whose
     * existing rows were not copied yet (left, they would never be: setup copies only the rows of
     * tables it captures anew). Run again, setup installs and copies them. A removal that fails is
     * added to {@code failure}.
     */
    private void undoFresh(RuntimeException failure) {
        if (fresh.isEmpty()) {
            return;
        }
        try {
            source.run("setup", h -> {
                for (Capture c : fresh) {
                    captures().uninstall(h, c);
                }
                return null;
            });
        } catch (RuntimeException e) {
            failure.addSuppressed(Failure.precondition("the captures this setup installed could not be removed ("
                    + e.getMessage() + "): run cdc teardown for " + fresh.stream().map(c -> c.table().display()).toList()));
        }
    }

    /** From this many tables set up at once, each with a topic of its own, setup suggests one shared topic. */
    private static final int MANY_TOPICS = 100;

    /**
     * The source half of setup: the demo table when asked, then for each table its capture and the
     * producer roles' rights; returns the captures (those installed now are also {@link #fresh}).
     */
    private List<Capture> captureOnSource(Handle h) {
        boolean demo = request.tables().isEmpty();
        String consolidateInto = request.consolidateInto();
        if (demo) {
            done.add("source: " + createEmployees(h, source));
        }
        List<Table> found = demo ? List.of(Engines.catalog(source).find(h, "public", EMPLOYEES).orElseThrow()) : selected(h);
        if (consolidateInto != null && found.size() > 1) {
            throw Failure.usage("--consolidate-into names the table of one captured table's rows; give one --table with it");
        }
        List<Capture> captures = new ArrayList<>();
        List<Boolean> installedBefore = new ArrayList<>();
        for (Table t : found) { // every name checked before anything is installed
            Capture had = captures().find(h, t.schema(), t.name()).orElse(null);
            captures.add(Capture.of(t, installedChangelog(had, t, request.changelog()), topicOf(had, t, request.topic())));
            installedBefore.add(had != null);
        }
        if (target != null && (!demo || consolidateInto != null)) { // a target of another shape stops setup before anything is installed
            target.run("setup", t -> {
                found.forEach(table -> targetEngine().checkTable(t, targetShape(table, consolidateInto)));
                requireSharable(targetEngine(), t, captures, consolidateInto);
                return null;
            });
        }
        for (int i = 0; i < captures.size(); i++) {
            Capture c = captures.get(i);
            captures().install(h, c).forEach(s -> done.add("source: " + s));
            if (!installedBefore.get(i)) {
                fresh.add(c);
            }
            for (String role : request.roles().producers()) {
                captures().grantProducer(h, c, role);
                done.add("source: role " + role + " may produce and read the status of " + c.table().display());
            }
        }
        return captures;
    }

    /**
     * The tables asked for, as the catalog describes them, keyed as their events are (see
     * {@link #keyed}). A table named exactly must exist, and what keeps it from being captured is
     * an error (one without a primary key or --key is refused at install); a table picked by a
     * pattern or a schema is then left out, and said so.
     */
    private List<Table> selected(Handle h) {
        TableSelector selector = request.tables();
        Map<Table.Name, Capture> captured = new HashMap<>(); // by pattern: every table captured, looked at once
        if (!selector.exact()) {
            captures().captured(h, source).forEach(c -> captured.put(c.table().qualifiedName(), c));
        }
        List<Table> found = new ArrayList<>();
        for (Table.Name n : selector.resolve(selector.exact() ? List.of() : candidates(captured.values(), h))) {
            Table t = Engines.catalog(source).find(h, n.schema(), n.name()).orElseThrow(() -> Failure.precondition(
                    "table " + n.display() + " does not exist on the " + source.where()));
            String noKey = n.display() + " has no primary key, and cdc keys every event by it ("
                    + Capture.withoutKeyAdvice(n.display()) + ")";
            if (!selector.byPattern(n)) {
                t = keyed(h, t, captures().find(h, n.schema(), n.name()).orElse(null));
                if (t.key().isEmpty()) {
                    throw Failure.precondition("table " + noKey);
                }
                found.add(t);
                continue;
            }
            try {
                t = keyed(h, t, captured.get(n));
            } catch (Failure e) {
                done.add("source: " + n.display() + (captured.containsKey(n) ? " left as it was: " : " not captured: ")
                        + e.getMessage());
                continue;
            }
            if (t.key().isEmpty()) {
                done.add("source: " + n.display() + " not captured: it" + noKey.substring(n.display().length()));
            } else {
                found.add(t);
            }
        }
        if (found.isEmpty()) {
            throw Failure.precondition("no table to capture: " + String.join("; ", done));
        }
        return found;
    }

    /**
     * The table keyed as its events will be: by its primary key; without one, by --key (unique, NOT
     * NULL columns) or as it was captured before (still unique and NOT NULL), else not at all (it is
     * refused). A captured table keeps its key: one keyed otherwise than it is now (a primary key
     * added or changed since, another --key) is refused, since its target table is keyed as it was;
     * so is a table in two-way sync (set up with --two-way).
     */
    private Table keyed(Handle h, Table t, Capture had) {
        if (had != null && had.origin() != null) {
            throw Failure.usage(t.display() + " is in two-way sync (this side is '" + had.origin() + "'): set it up "
                    + "again with --two-way, not one-way");
        }
        List<String> key = request.key();
        List<String> recorded = had == null ? List.of() : had.table().key();
        String rekey = "; to key it otherwise, remove capture first (cdc teardown --table " + t.display() + ", after its "
                + "events were applied)" + (target == null ? "" : " and drop or re-key its target table");
        if (!t.key().isEmpty()) {
            if (key != null) {
                throw Failure.usage("--key: " + t.display() + " has a primary key (" + String.join(", ", t.key())
                        + "), and its events are keyed by it; --key is for tables without one (or two-way sync)");
            }
            if (had != null && !Set.copyOf(recorded).equals(Set.copyOf(t.key()))) {
                throw Failure.precondition(t.display() + " is captured with its events keyed by (" + String.join(", ", recorded)
                        + "), and its primary key is now (" + String.join(", ", t.key()) + ")" + rekey);
            }
            return had != null ? t.keyedBy(recorded) : t; // the same columns, in the order its events' keys have them
        }
        if (recorded.isEmpty()) {
            return key == null ? t : t.keyedBy(KeyColumns.requireUnique(h, t, key, source, "--key"));
        }
        if (key != null && !Set.copyOf(key).equals(Set.copyOf(recorded))) {
            throw Failure.usage("--key: " + t.display() + " is captured already, keyed by (" + String.join(", ", recorded) + ")"
                    + rekey);
        }
        KeyColumns.requireUnique(h, t, recorded, source, "its key as captured, (" + String.join(", ", recorded) + ")");
        return t.keyedBy(recorded); // in the order its events' keys have them
    }

    /** The tables a pattern may pick: those of the source but cdc's own (changelogs and the tables beside them). */
    private List<Table.Name> candidates(java.util.Collection<Capture> captured, Handle h) {
        List<Table.Name> own = new ArrayList<>();
        for (Capture c : captured) {
            for (String name : List.of(c.changelogName(), c.retainedName(), c.versionsName())) {
                own.add(new Table.Name(c.changelogSchema(), name));
            }
        }
        List<Table.Name> all = new ArrayList<>(Engines.catalog(source).tables(h));
        all.removeAll(own);
        return all;
    }

    /**
     * A topic may carry the one-way changes of many tables, but a consolidated table's or a two-way
     * sync's topic carries those of one: giving one of those topics other tables is refused, before
     * anything is installed.
     */
    private static void requireSharable(TargetEngine engine, Handle t, List<Capture> captures, String consolidateInto) {
        Set<String> ours = new HashSet<>();
        captures.forEach(c -> ours.add(targetShape(c.table(), consolidateInto).display()));
        for (String topic : captures.stream().map(Capture::topic).distinct().toList()) {
            requireSharable(engine.feeds(t, topic), topic, ours, consolidateInto);
        }
    }

    private static void requireSharable(List<TargetEngine.Feed> feeding, String topic, Set<String> ours, String consolidateInto) {
        for (TargetEngine.Feed f : feeding) {
            String feeds = f.table().display();
            boolean special = f.consolidated() || f.twoWay();
            if (!ours.contains(feeds) && (special || consolidateInto != null)) {
                throw Failure.usage("topic " + topic + " feeds " + feeds + " already" + (special ? ", as a "
                        + (f.twoWay() ? "two-way sync" : "consolidated table") : "")
                        + "; a topic shared by several tables carries one-way changes of tables copied as they are, "
                        + "so give this one a topic of its own");
            }
        }
    }

    /** The target half of setup: the bookkeeping, each capture's table, its topic, and the consumer roles' rights. */
    private void prepareTarget(Handle h, List<Capture> captures) {
        boolean demo = request.tables().isEmpty();
        String consolidateInto = request.consolidateInto();
        TargetEngine engine = targetEngine();
        boolean had = engine.install(h);
        for (Capture c : captures) {
            Table into = targetShape(c.table(), consolidateInto);
            done.add("target: " + (demo && consolidateInto == null ? createEmployees(h, target) : engine.ensureTable(h, into)));
            engine.subscribe(h, c.topic(), into, consolidateInto != null, null);
            done.add("target: topic " + c.topic() + " feeds " + into.display() + (consolidateInto == null ? ""
                    : ", one row per source and key (" + String.join(", ", into.key())
                    + "; each producer names its source with --source-name)"));
            for (String role : request.roles().consumers()) {
                engine.grantConsumer(h, into, role);
                done.add("target: role " + role + " may consume into " + into.display());
            }
        }
        done.add("target: " + (had ? "bookkeeping tables cdc.applied_offsets and cdc.subscriptions already there, kept"
                : "bookkeeping tables cdc.applied_offsets and cdc.subscriptions created"));
    }

    private TargetEngine targetEngine() {
        return Engines.target(target);
    }

    /** Copies the rows the tables already have into their changelogs; one line per table. */
    public static List<String> snapshot(Db source, List<Capture> captures, long progressMillis) {
        List<String> done = new ArrayList<>();
        source.run("snapshot", h -> {
            for (Capture c : captures) {
                long rows = Engines.source(source).captures().snapshot(h, c, progressMillis);
                done.add("source: snapshot of " + c.table().display() + ": " + String.format("%,d", rows)
                        + " existing rows copied into " + c.changelogDisplay() + " (cdc produce publishes them)");
            }
            return null;
        });
        return done;
    }

    /** The target table the rows of a source table go to: its copy, or the consolidated table. */
    private static Table targetShape(Table source, String consolidateInto) {
        return consolidateInto == null ? source : source.consolidated(Table.parseName(consolidateInto));
    }

    /**
     * A table captured already keeps its topic: its events not yet applied are in that one, and
     * another topic would be applied beside it, out of order. Asking for another one is an error.
     */
    private static String topicOf(Capture had, Table t, String asked) {
        if (had != null && asked != null && !asked.equals(had.topic())) {
            throw Failure.usage(t.display() + " is captured already, into topic " + had.topic() + "; to use another one, "
                    + "let its events be applied, then remove capture (cdc teardown --table " + t.display()
                    + ") and set it up again");
        }
        return had != null ? had.topic() : asked;
    }

    /** A table captured already keeps its changelog; asking for another one is an error. */
    private static String installedChangelog(Capture had, Table t, String asked) {
        String have = had == null ? null : had.changelogName();
        if (have != null && asked != null && !asked.equals(have)) {
            throw Failure.usage(t.display() + " is captured already, into changelog " + have
                    + "; to use another one, remove capture first (cdc teardown --table " + t.display() + ")");
        }
        return have != null ? have : asked;
    }

    private static String createEmployees(Handle h, Db db) {
        boolean had = Engines.catalog(db).find(h, "public", EMPLOYEES).isPresent();
        h.execute(Sql.load("employees.sql"));
        return had ? "table public.employees already exists, kept as is" : "table public.employees created";
    }
}
