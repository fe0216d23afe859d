package dev.cdc;

import static org.junit.jupiter.api.Assertions.fail;

import dev.cdc.db.Db;
import dev.cdc.db.Table;
import dev.cdc.engine.Engines;
import dev.cdc.ops.Compare;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.jdbi.v3.core.Handle;

/** Waiting for the pipeline in tests: bounded, with the last state in the failure message. */
final class Await {
    private Await() {
    }

    static void until(String what, long timeoutMillis, BooleanSupplier condition) {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (!condition.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) {
                fail("timed out after " + timeoutMillis + " ms waiting for " + what);
            }
            sleep(100);
        }
    }

    /** Waits until the employees tables are identical; fails with the difference. */
    static Compare converged(Db source, Db target, long timeoutMillis, Supplier<String> context) {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        Table employees;
        try (Handle h = source.open("cdc-test")) {
            employees = Engines.catalog(source).find(h, "public", "employees").orElseThrow();
        }
        while (true) {
            Compare c = Compare.of(source, target, employees);
            if (c.identical()) {
                return c;
            }
            if (System.currentTimeMillis() > deadline) {
                fail("source and target did not converge in " + timeoutMillis + " ms: " + c + "; " + context.get());
            }
            sleep(250);
        }
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
