package dev.cdc.cli;

import dev.cdc.base.Shutdown;

/** Runs produce or consume in the foreground until a signal asks it to stop. */
final class Loops {
    private static final long GRACE_MILLIS = 20_000;

    private Loops() {
    }

    static void runUntilSignal(Runnable loop, Runnable stop, Runnable abort) {
        Shutdown.onSignal(() -> {
            stop.run();
            Thread t = new Thread(() -> {
                try {
                    Thread.sleep(GRACE_MILLIS);
                    abort.run(); // still waiting for Kafka: give up the batch; it is redone next time
                } catch (InterruptedException ignored) {
                    // done
                }
            }, "stop-grace");
            t.setDaemon(true);
            t.start();
        });
        loop.run();
    }
}
