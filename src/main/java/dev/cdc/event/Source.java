package dev.cdc.event;

/**
 * An event's {@code source} object: the source's {@code name} ({@code cdc produce --source-name};
 * null: none), the change's {@code version} on its side (two-way sync; -1: none), its
 * {@link Position}, the writing transaction's id and the commit time in milliseconds.
 */
public record Source(String name, long version, Position position, String txid, long tsMs) {
}
