package dev.cdc.target;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cdc.base.Json;
import dev.cdc.event.ChangeEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Two-way sync's conflict rule, the same on every engine (see {@link ConflictResolver}): which
 * incoming changes win against the local versions of their rows, and the record of those that lose
 * (cdc.conflicts, and a warning in the log).
 */
public final class ConflictRule {
    private static final Logger log = LoggerFactory.getLogger("cdc.consume");

    private ConflictRule() {
    }

    /** A row's version on this side: {@code origin} null when it has none. */
    public record Local(long version, String origin) {
        public static final Local NONE = new Local(0, null);
    }

    /** The places (in the changes decided on) of the changes that win, and of those that lose. */
    public record Outcome(List<Integer> kept, List<Integer> lost) {
    }

    /**
     * A change made on the same side as the local version follows it (events of a side come in
     * order); one from the other side wins when its version is later, or equal and its side's name
     * sorts first. A change that loses is a conflict: the other side made it without knowing of the
     * local change (it would have made its version later), and that side, receiving the local
     * change, takes it. A change without a version (a snapshot's) fills only rows that have none.
     */
    public static Outcome decide(List<ChangeEvent> changes, List<Local> local) {
        List<Integer> kept = new ArrayList<>();
        List<Integer> lost = new ArrayList<>();
        for (int i = 0; i < changes.size(); i++) {
            ChangeEvent e = changes.get(i);
            Local l = local.get(i);
            String origin = e.sourceName() == null ? "" : e.sourceName();
            if (l.origin() == null || l.origin().equals(origin)) {
                kept.add(i);
            } else if (e.version() >= 0 && (e.version() > l.version()
                    || e.version() == l.version() && origin.compareTo(l.origin()) < 0)) {
                kept.add(i);
            } else if (e.version() >= 0) {
                lost.add(i);
            }
        }
        return new Outcome(kept, lost);
    }

    /**
     * The conflicts as rows of cdc.conflicts (a JSON array: table_name, key, local_origin,
     * local_version, local_row, incoming_origin, incoming_version, incoming_row), each also logged.
     * {@code localRows}: the local row of each lost change by its place in {@code lost}, as JSON
     * (none: deleted).
     */
    public static String record(List<ChangeEvent> lost, List<Local> local, Map<Integer, String> localRows) {
        ArrayNode rows = Json.MAPPER.createArrayNode();
        for (int i = 0; i < lost.size(); i++) {
            ChangeEvent e = lost.get(i);
            Local l = local.get(i);
            String row = localRows.get(i);
            try {
                rows.addObject().put("table_name", e.table()).<ObjectNode>set("key", Json.MAPPER.readTree(e.key()))
                        .put("local_origin", l.origin()).put("local_version", l.version())
                        .<ObjectNode>set("local_row", row == null ? null : Json.MAPPER.readTree(row))
                        .put("incoming_origin", e.sourceName()).put("incoming_version", e.version())
                        .set("incoming_row", e.after() == null ? null : Json.MAPPER.readTree(e.after()));
            } catch (JsonProcessingException ex) {
                throw new IllegalStateException(ex);
            }
            log.warn("conflict on {} {}: kept the version of {} ({}) over the later-arriving one of {} ({}); "
                            + "local row {}, incoming row {}", e.table(), e.key(), l.origin(),
                    Instant.EPOCH.plusNanos(l.version() * 1000), e.sourceName(),
                    Instant.EPOCH.plusNanos(e.version() * 1000), excerpt(row), excerpt(e.after()));
        }
        return Json.write(rows);
    }

    private static String excerpt(String row) {
        return row == null ? "(deleted)" : row.length() > 300 ? row.substring(0, 300) + "..." : row;
    }

    /** The version a change applied leaves on its row here, as the column of the table of versions. */
    public static long versionOf(ChangeEvent e) {
        return Math.max(0, e.version());
    }

    /** The side a change applied leaves as its row's origin here. */
    public static String originOf(ChangeEvent e) {
        return e.sourceName() == null ? "" : e.sourceName();
    }
}
