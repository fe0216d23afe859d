package dev.cdc.postgres;

import dev.cdc.base.Progress;
import dev.cdc.db.Sql;
import dev.cdc.source.Capture;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies the rows a captured table already has into its changelog, so that they reach the target
 * like any change: in key order, a stretch of about {@link Capture#CHUNK_BYTES} (and at most
 * {@link #MAX_ROWS} rows) per transaction. Each stretch's rows are share-locked only while it is
 * copied, so writers wait at most that long, and the lock orders the copy with their changes (see
 * {@code sql/source/snapshot_chunk.sql}). Memory stays bounded by one stretch's keys.
 */
final class PgSnapshot {
    private static final Logger log = LoggerFactory.getLogger("cdc.snapshot");
    static final int MAX_ROWS = 10_000;

    private PgSnapshot() {
    }

    private record Bound(String key, long bytes) {
    }

    /** Copies every row of the table; returns how many, with a progress line every few seconds. */
    static long run(Handle h, Capture capture, long progressMillis) {
        Map<Boolean, String[]> sql = new HashMap<>();
        for (boolean first : new boolean[] {true, false}) {
            Map<String, String> v = new PgCaptureSql(capture).values();
            v.put("after", first ? "true" : "(" + v.get("pk_n") + ") > (" + v.get("pk_k") + ")");
            sql.put(first, new String[] {Sql.render("source/snapshot_bounds.sql", v), Sql.render(capture.origin() == null
                    ? "source/snapshot_chunk.sql" : "source/snapshot_chunk_two_way.sql", v)});
        }
        Progress progress = new Progress(progressMillis);
        String after = "{}";
        boolean first = true;
        while (true) {
            List<Bound> next = h.createQuery(sql.get(first)[0]).bind("after", after).bind("limit", MAX_ROWS)
                    .map((rs, ctx) -> new Bound(rs.getString("key"), rs.getLong("bytes"))).list();
            if (next.isEmpty()) {
                return progress.total();
            }
            int end = 1;
            long bytes = next.get(0).bytes();
            while (end < next.size() && bytes + next.get(end).bytes() <= PgCaptureSql.CHUNK_BYTES) {
                bytes += next.get(end++).bytes();
            }
            String from = after;
            String upto = next.get(end - 1).key();
            String chunk = sql.get(first)[1];
            int copied = h.inTransaction(tx -> {
                int n = tx.createQuery(chunk).bind("after", from).bind("upto", upto).mapTo(Integer.class).list().stream()
                        .mapToInt(Integer::intValue).sum(); // one changelog row, or (two-way) one per version
                tx.createQuery(Sql.load("source/notify.sql")).bind("channel", capture.channel()).mapTo(String.class).one();
                return n;
            });
            progress.add(copied);
            if (progress.due()) {
                long rate = progress.rate();
                log.info("snapshot of {}: {} rows copied ({}/s)", capture.table().display(), progress.total(), rate);
            }
            after = upto;
            first = false;
        }
    }
}
