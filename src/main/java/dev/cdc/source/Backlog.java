package dev.cdc.source;

/** The changes in a changelog not yet published, and the age of the oldest in seconds (null: none). */
public record Backlog(long events, Double oldestSeconds) {
}
