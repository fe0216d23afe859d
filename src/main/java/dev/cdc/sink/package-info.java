/**
 * Where {@code cdc consume} delivers a batch: the {@link dev.cdc.sink.Sink} contract and its two
 * implementations, the target database (through {@code target}) and an HTTP endpoint. Uses
 * {@code base}, {@code db}, {@code event}, {@code kafka} and {@code target}.
 */
package dev.cdc.sink;
