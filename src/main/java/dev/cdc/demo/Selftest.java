package dev.cdc.demo;

import dev.cdc.base.Failure;
import dev.cdc.db.Db;
import dev.cdc.db.Sql;
import java.io.PrintWriter;
import java.util.Objects;
import java.util.UUID;
import org.jdbi.v3.core.Handle;

/**
 * The insert, update and delete checks: writes a row on the source, waits until the target shows
 * the same row, and so on; prints PASS or FAIL with the time each took; removes its row.
 */
public final class Selftest {
    private final Db source;
    private final Db target;
    private final long timeoutMillis;
    private final PrintWriter out;

    public Selftest(Db source, Db target, long timeoutMillis, PrintWriter out) {
        this.source = source;
        this.target = target;
        this.timeoutMillis = timeoutMillis;
        this.out = out;
    }

    /** Runs the three checks; true when all passed. */
    public boolean run() {
        String marker = "selftest-" + UUID.randomUUID().toString().substring(0, 8);
        try (Handle src = source.open("cdc-selftest"); Handle dst = target.open("cdc-selftest")) {
            Integer id = null;
            try {
                long t0 = System.nanoTime();
                id = src.createQuery(Sql.load("demo/insert_one.sql"))
                        .bind("m", marker).mapTo(Integer.class).one();
                boolean ok = check("insert", src, dst, id, t0);
                if (ok) {
                    t0 = System.nanoTime();
                    src.createUpdate(Sql.load("demo/update_one.sql"))
                            .bind("id", id).execute();
                    ok = check("update", src, dst, id, t0);
                }
                if (ok) {
                    t0 = System.nanoTime();
                    src.createUpdate(Sql.load("demo/delete_one.sql")).bind("id", id).execute();
                    id = null;
                    ok = check("delete", src, dst, idOf(dst, marker), t0);
                }
                return ok;
            } finally {
                if (id != null) {
                    src.createUpdate(Sql.load("demo/delete_one.sql")).bind("id", id).execute();
                }
            }
        } catch (Failure f) {
            throw f;
        } catch (RuntimeException e) {
            throw Failure.unreachable("selftest could not run: " + Db.rootMessage(e), e);
        }
    }

    private static Integer idOf(Handle dst, String marker) {
        return dst.createQuery(Sql.load("demo/id_of.sql")).bind("m", marker)
                .mapTo(Integer.class).findOne().orElse(-1);
    }

    /** Waits until the target's row equals the source's (or both are absent). */
    private boolean check(String name, Handle src, Handle dst, int id, long t0) {
        String want = row(src, id);
        long deadline = t0 + timeoutMillis * 1_000_000;
        while (true) {
            String got = row(dst, id);
            long ms = (System.nanoTime() - t0) / 1_000_000;
            if (Objects.equals(want, got)) {
                out.printf("PASS  %-6s  %5d ms%n", name, ms);
                out.flush();
                return true;
            }
            if (System.nanoTime() > deadline) {
                out.printf("FAIL  %-6s  not on the target after %d ms (source: %s, target: %s)%n", name, ms,
                        want == null ? "no row" : want, got == null ? "no row" : got);
                out.flush();
                return false;
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
    }

    private static String row(Handle h, int id) {
        return h.createQuery(Sql.load("demo/row.sql")).bind("id", id).mapTo(String.class).findOne().orElse(null);
    }
}
