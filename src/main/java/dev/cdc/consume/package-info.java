/**
 * {@code cdc consume}: the Kafka poll loop ({@link dev.cdc.consume.EventConsumer}) that keeps
 * records {@link dev.cdc.consume.Pending} until a batch is due, seeks assigned partitions to the
 * stored offsets ({@link dev.cdc.consume.Assignment}), and hands each batch to a
 * {@link dev.cdc.consume.Delivery}: decoding, delivery to a {@link dev.cdc.sink.Sink} with
 * retries, the {@link dev.cdc.consume.DeadLetters} topic and the {@code --on-flush}
 * {@link dev.cdc.consume.FlushCommand}. {@link dev.cdc.consume.Feeds} lists the topics setup
 * recorded. Uses {@code sink}, {@code target} (the database sink), {@code engine}, {@code kafka}
 * and below.
 */
package dev.cdc.consume;
