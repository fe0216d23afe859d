/**
 * {@code cdc consume}: the Kafka poll loop that batches records, decodes them, delivers them to a
 * {@link dev.cdc.sink.Sink} with retries, sends rejected ones to a dead-letter topic and runs the
 * {@code --on-flush} command. Uses {@code sink} and what it uses.
 */
package dev.cdc.consume;
