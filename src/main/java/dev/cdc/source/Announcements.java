package dev.cdc.source;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cdc.base.Json;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Which columns of a captured table its topic has been told of: the definition last announced (a
 * schema event, stored with the cursor), the column names rows are expected to have (a row with
 * another one makes the producer read the table again), and whether the table's definition must
 * be announced before the next change.
 */
final class Announcements {
    private Set<String> known;
    private JsonNode announced;
    private boolean due;

    /** {@code announced}: the definition stored with the cursor (null: never announced). */
    Announcements(Capture capture, JsonNode announced) {
        this.announced = announced;
        reread(capture, List.of());
    }

    /** Whether every one of the columns is known. */
    boolean knows(List<String> columns) {
        return known.containsAll(columns);
    }

    /**
     * The table's definition was read again; the columns {@code seen} in rows count as known too (a
     * column added and dropped again since: the consumer stops on it, naming it).
     */
    void reread(Capture capture, List<String> seen) {
        Set<String> k = new HashSet<>(capture.table().columns());
        k.addAll(seen);
        known = k;
        due = !tree(capture).equals(announced);
    }

    /** Whether the definition differs from the one announced last. */
    boolean due() {
        return due;
    }

    /** The capture's definition was sent. */
    void sent(Capture capture) {
        announced = tree(capture);
        due = false;
    }

    private static JsonNode tree(Capture capture) {
        return Json.MAPPER.valueToTree(capture.table().definition());
    }
}
