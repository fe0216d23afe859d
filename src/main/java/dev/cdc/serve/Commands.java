package dev.cdc.serve;

import dev.cdc.base.Loop;
import java.util.List;

/**
 * The cdc commands, run inside cdc serve from the arguments a user would type (without the
 * broker's, which cdc serve adds): a pipeline runs the same code as {@code cdc setup}, {@code cdc
 * produce} and {@code cdc consume}.
 */
public interface Commands {
    /** What a one-shot command ended with: its exit code, what it printed, and the first line of its errors. */
    record Outcome(int code, String out, String err) {
    }

    /** Runs setup, topic or teardown to its end. */
    Outcome run(List<String> args);

    /** The publishing loop of {@code cdc produce}, checked and not yet started. */
    Loop produce(List<String> args);

    /** The applying loop of {@code cdc consume}, checked and not yet started. */
    Loop consume(List<String> args);
}
