package dev.cdc.consume;

import dev.cdc.sink.Decoded;
import dev.cdc.sink.Delivered;
import dev.cdc.sink.ShellCommand;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;

/**
 * The {@code --on-flush} command: a shell command run after each delivered batch, with the batch
 * in its environment (see {@link ShellCommand}).
 */
record FlushCommand(String command, String topic) {

    /** Runs it once; a non-zero exit is a {@link dev.cdc.base.Failure} that may pass (retried like a delivery). */
    void run(Map<TopicPartition, List<Decoded>> batch, Delivered result) {
        // result.tables(): written under other names than the events give (two-way, --target-table)
        ShellCommand.run(command, ShellCommand.environment(topic, batch, result.tables(), result.events()), null,
                "the --on-flush command");
    }
}
