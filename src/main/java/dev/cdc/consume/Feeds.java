package dev.cdc.consume;

import dev.cdc.base.Failure;
import dev.cdc.db.Db;
import dev.cdc.engine.Engines;
import dev.cdc.target.TargetEngine;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;

/** The topics cdc consume applies, as cdc setup recorded them on the target (cdc.subscriptions). */
public final class Feeds {
    private Feeds() {
    }

    /** A topic to apply, the table it feeds ("schema.table"), and whether that table is consolidated. */
    public record Feed(String topic, String table, boolean consolidated) {
    }

    /**
     * The topics to apply: all of them, or those that feed the tables given as {schema, name}.
     * Missing bookkeeping or a table no topic feeds is a {@link Failure}.
     */
    public static List<Feed> list(Handle h, Db target, List<String[]> tables) {
        TargetEngine engine = Engines.target(target);
        engine.requireSetup(h, target);
        List<TargetEngine.Feed> rows = engine.feeds(h, null);
        if (rows.isEmpty()) {
            throw Failure.precondition("no topic is recorded on the " + target.where() + " (run: cdc setup)");
        }
        List<Feed> all = rows.stream().map(r -> new Feed(r.topic(), r.table().schema() + "." + r.table().name(),
                r.consolidated())).toList();
        if (tables.isEmpty()) {
            return oneEach(all);
        }
        List<Feed> chosen = new ArrayList<>();
        for (String[] t : tables) {
            List<Feed> feeding = all.stream().filter(s -> s.table().equals(t[0] + "." + t[1])).toList();
            if (feeding.isEmpty()) {
                throw Failure.precondition("no topic feeds " + t[0] + "." + t[1] + " on the " + target.where()
                        + " (run: cdc setup --table " + t[0] + "." + t[1] + ", or cdc setup --consolidate-into "
                        + t[0] + "." + t[1] + " for a consolidated table)");
            }
            chosen.addAll(feeding);
        }
        return oneEach(chosen);
    }

    /**
     * One feed per topic: a topic that feeds many tables (cdc setup --topic with many) is applied
     * once, into whichever of its tables each event names. A topic recorded as feeding a
     * consolidated table and another table (setup refuses that; an older one did not) is an error.
     */
    private static List<Feed> oneEach(List<Feed> feeds) {
        Map<String, Feed> byTopic = new LinkedHashMap<>();
        for (Feed f : feeds) {
            Feed first = byTopic.putIfAbsent(f.topic(), f);
            if (first != null && (first.consolidated() || f.consolidated())) {
                throw Failure.precondition("topic " + f.topic() + " is recorded (cdc.subscriptions) as feeding both "
                        + first.table() + " and " + f.table() + ", one of them consolidated: a consolidated table's "
                        + "topic feeds it alone; delete the wrong row of cdc.subscriptions, or give one of them a topic "
                        + "of its own (cdc teardown, then cdc setup --topic)");
            }
        }
        return new ArrayList<>(byTopic.values());
    }
}
