package dev.cdc.consume;

import dev.cdc.base.Failure;
import dev.cdc.sink.Decoded;
import dev.cdc.sink.Delivered;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.common.TopicPartition;

/**
 * The {@code --on-flush} command: a shell command run after each delivered batch, with the batch
 * in its environment: CDC_FLUSH_TOPIC, CDC_FLUSH_TABLES, CDC_FLUSH_COUNT, CDC_FLUSH_OFFSETS
 * ("partition:first-last,...").
 */
record FlushCommand(String command, String topic) {

    /** Runs it once; a non-zero exit is a {@link Failure} that may pass (retried like a delivery). */
    void run(Map<TopicPartition, List<Decoded>> batch, Delivered result) {
        StringBuilder offsets = new StringBuilder();
        Set<String> tables = new TreeSet<>();
        batch.forEach((tp, list) -> {
            offsets.append(offsets.length() == 0 ? "" : ",").append(tp.partition()).append(':')
                    .append(list.get(0).record().offset()).append('-').append(list.get(list.size() - 1).record().offset());
            list.stream().filter(d -> d.event() != null).forEach(d -> tables.add(d.event().table()));
        });
        if (result.tables() != null) { // written under other names than the events give (two-way, --target-table)
            tables.clear();
            tables.addAll(result.tables());
        }
        try {
            ProcessBuilder pb = new ProcessBuilder("sh", "-c", command).redirectErrorStream(true);
            pb.environment().put("CDC_FLUSH_TOPIC", topic);
            pb.environment().put("CDC_FLUSH_TABLES", String.join(",", tables));
            pb.environment().put("CDC_FLUSH_COUNT", Integer.toString(result.events()));
            pb.environment().put("CDC_FLUSH_OFFSETS", offsets.toString());
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            int code = p.waitFor();
            if (code != 0) {
                throw Failure.unreachable("the --on-flush command exited with " + code
                        + (out.isEmpty() ? "" : ": " + (out.length() > 300 ? out.substring(out.length() - 300) : out)), null);
            }
        } catch (IOException e) {
            throw Failure.usage("cannot run the --on-flush command: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw Failure.unreachable("interrupted while running the --on-flush command", e);
        }
    }
}
