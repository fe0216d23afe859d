package dev.cdc.embedded;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The main class of the child JVM that runs the Kafka broker of {@link LocalKafka}: formats the
 * KRaft storage on first start, then runs {@code kafka.Kafka}. It exits (cleanly, through Kafka's
 * shutdown hook) when its standard input closes, so the broker never outlives the process that
 * started it, even when that process is killed with -9.
 */
public final class KafkaBrokerMain {
    private KafkaBrokerMain() {
    }

    public static void main(String[] args) throws IOException {
        Path props = Path.of(args[0]);
        Path logDir = Path.of(args[1]);
        Thread watchdog = new Thread(() -> {
            try {
                while (System.in.read() >= 0) {
                    // nothing to read; waiting for end of input
                }
            } catch (IOException ignored) {
                // parent gone
            }
            System.exit(0);
        }, "parent-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
        if (!Files.exists(logDir.resolve("meta.properties"))) {
            int rc = kafka.tools.StorageTool.execute(new String[] {"format", "-t", args[2], "-c", props.toString()},
                    new PrintStream(System.out, true));
            if (rc != 0) {
                System.err.println("kafka storage format failed: " + rc);
                System.exit(rc);
            }
        }
        kafka.Kafka.main(new String[] {props.toString()});
    }
}
