/**
 * The source side, {@code cdc produce} and {@code cdc snapshot}: the publish loop
 * ({@link dev.cdc.source.ChangelogPublisher}: pages of changes to Kafka, acknowledged before the
 * cursor moves, the table's columns announced before a change that has new ones), the
 * {@link dev.cdc.source.ChangelogRow} that splits a changelog row into changes, the capture of a
 * table ({@link dev.cdc.source.Capture}: its changelog, topic and trigger SQL) and the copy of rows
 * that existed before capture. What differs per database is behind
 * {@link dev.cdc.source.SourceEngine} and {@link dev.cdc.source.Changelog}, the cursor included
 * (PostgreSQL's are in {@code dev.cdc.postgres}). Uses {@code base}, {@code db}, {@code event}
 * and {@code kafka}.
 */
package dev.cdc.source;
