package dev.cdc.sink;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;

/**
 * Delivers a batch to a command (a load job, say): {@code sh -c COMMAND} with the batch's events on
 * its standard input, a JSON array as the HTTP sink posts it (each event with its stable "id"), and
 * the batch described in its environment ({@link ShellCommand}). The batch counts as delivered when
 * the command exits 0; the consumer then commits its offsets to Kafka. Another exit is retried
 * (consume's --max-retries), then consume stops: nothing is skipped.
 */
public final class CommandSink implements Sink {
    private final String command;

    public CommandSink(String command) {
        this.command = command;
    }

    @Override
    public Delivered deliver(Map<TopicPartition, List<Decoded>> batch) {
        List<String> events = new ArrayList<>();
        batch.forEach((tp, list) -> list.stream().filter(d -> d.event() != null)
                .forEach(d -> events.add(HttpSink.withId(d, tp.partition()))));
        if (events.isEmpty()) {
            return new Delivered(0, 0, 0, Map.of());
        }
        String topic = batch.keySet().iterator().next().topic(); // a batch is of one topic
        ShellCommand.run(command, ShellCommand.environment(topic, batch, null, events.size()),
                "[" + String.join(",", events) + "]", "the command " + command);
        return new Delivered(events.size(), 0, events.size(), Map.of());
    }

    @Override
    public Map<Integer, Long> storedOffsets() {
        return null; // Kafka's committed offsets, moved after each batch the command took
    }

    @Override
    public String where() {
        return "the command " + command;
    }

    @Override
    public void close() {
    }
}
