package dev.cdc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

/** A test's set of running cdc processes, handled together. */
interface CdcProcesses {
    /** The processes started, in order. */
    List<CdcProcess> all();

    /** Fails, with its output, if one has stopped. */
    default void check() {
        all().forEach(c -> assertTrue(c.alive(), c.output()));
    }

    default void killAll() throws Exception {
        for (CdcProcess c : all()) {
            c.kill9();
        }
    }

    /** Stops each as Ctrl-C does; each must exit 0. */
    default void terminateAll() throws Exception {
        for (CdcProcess c : all()) {
            assertEquals(0, c.terminate(), c.output());
        }
    }

    default void closeAll() {
        all().forEach(CdcProcess::close);
    }
}
