package dev.cdc.sink;

import dev.cdc.base.Failure;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.common.TopicPartition;

/**
 * A shell command run for a batch (consume's {@code --on-flush}, and the command sink): the batch
 * is described in its environment, CDC_FLUSH_TOPIC, CDC_FLUSH_TABLES, CDC_FLUSH_COUNT and
 * CDC_FLUSH_OFFSETS ("partition:first-last,..."); a non-zero exit is a {@link Failure} that may pass
 * (retried like a delivery), with the end of what it printed.
 */
public final class ShellCommand {
    private ShellCommand() {
    }

    /** The environment describing a batch; {@code tables} null: those its events name. */
    public static Map<String, String> environment(String topic, Map<TopicPartition, List<Decoded>> batch, Set<String> tables,
                                                  int count) {
        StringBuilder offsets = new StringBuilder();
        Set<String> named = new TreeSet<>();
        batch.forEach((tp, list) -> {
            offsets.append(offsets.length() == 0 ? "" : ",").append(tp.partition()).append(':')
                    .append(list.get(0).record().offset()).append('-').append(list.get(list.size() - 1).record().offset());
            list.stream().filter(d -> d.event() != null).forEach(d -> named.add(d.event().table()));
        });
        Map<String, String> env = new TreeMap<>();
        env.put("CDC_FLUSH_TOPIC", topic);
        env.put("CDC_FLUSH_TABLES", String.join(",", tables != null ? new TreeSet<>(tables) : named));
        env.put("CDC_FLUSH_COUNT", Integer.toString(count));
        env.put("CDC_FLUSH_OFFSETS", offsets.toString());
        return env;
    }

    /** Runs {@code sh -c command} with {@code env} added and {@code input} (or nothing) on its standard input. */
    public static void run(String command, Map<String, String> env, String input, String what) {
        try {
            ProcessBuilder pb = new ProcessBuilder("sh", "-c", command).redirectErrorStream(true);
            pb.environment().putAll(env);
            Process p = pb.start();
            Thread feeder = new Thread(() -> { // written beside the reading, so that neither side waits on a full pipe
                try (OutputStream in = p.getOutputStream()) {
                    if (input != null) {
                        in.write(input.getBytes(StandardCharsets.UTF_8));
                    }
                } catch (IOException e) {
                    // the command ended without reading it all: its exit code tells
                }
            }, "command-input");
            feeder.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            int code = p.waitFor();
            feeder.join();
            if (code != 0) {
                throw Failure.unreachable(what + " exited with " + code
                        + (out.isEmpty() ? "" : ": " + (out.length() > 300 ? out.substring(out.length() - 300) : out)), null);
            }
        } catch (IOException e) {
            throw Failure.usage("cannot run " + what + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw Failure.unreachable("interrupted while running " + what, e);
        }
    }
}
