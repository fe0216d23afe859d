package dev.cdc.base;

import java.util.concurrent.atomic.AtomicBoolean;
import sun.misc.Signal;

/**
 * Ctrl-C and SIGTERM ask the running command to finish its current batch, store its position and
 * return, so the process exits 0 with nothing lost. A second signal exits at once (130); what was
 * not stored is then redone on the next start, still without loss.
 */
public final class Shutdown {
    private Shutdown() {
    }

    public static void onSignal(Runnable stop) {
        AtomicBoolean asked = new AtomicBoolean();
        for (String name : new String[] {"INT", "TERM"}) {
            try {
                Signal.handle(new Signal(name), s -> {
                    if (asked.compareAndSet(false, true)) {
                        System.err.println("cdc: stopping (finishing the current batch; press Ctrl-C again to quit at once)");
                        stop.run();
                    } else {
                        Runtime.getRuntime().halt(130);
                    }
                });
            } catch (IllegalArgumentException e) {
                // the signal does not exist on this platform
            }
        }
    }
}
