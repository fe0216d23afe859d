/**
 * What travels through Kafka: {@link dev.cdc.event.ChangeEvent}, one change of one row (its JSON,
 * written and read here and nowhere else), and its position in its source. Uses {@code base} and
 * {@code db} (a schema event carries {@link dev.cdc.db.Table.Column}s).
 */
package dev.cdc.event;
