/**
 * Where {@code cdc consume} delivers a batch: the {@link dev.cdc.sink.Sink} contract, its types
 * (a {@link dev.cdc.sink.Decoded} record in, {@link dev.cdc.sink.Delivered} out) the HTTP
 * endpoint sink, and the command sink ({@code ShellCommand}: a command run for a batch, also consume's
 * --on-flush); the database sink implements it in {@code target}. Uses {@code base}, {@code db}
 * and {@code event}.
 */
package dev.cdc.sink;
