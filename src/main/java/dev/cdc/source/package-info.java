/**
 * The source side, {@code cdc produce}: the publish loop ({@link dev.cdc.source.ChangelogPublisher}:
 * the tables of one connection in turn; {@link dev.cdc.source.TableFeed}: one table's pages of changes
 * to Kafka, acknowledged before the cursor moves, with {@link dev.cdc.source.Sends};
 * the table's columns announced before a change that has new ones, {@link dev.cdc.source.Announcements}),
 * the {@link dev.cdc.source.ChangelogRow} that splits a changelog row into changes, and the
 * {@link dev.cdc.source.Capture} of a table (its changelog's names, its topic, its number). What
 * differs per database is behind {@link dev.cdc.source.SourceEngine}: {@link dev.cdc.source.Captures}
 * (install, find, remove, snapshot), {@link dev.cdc.source.SourceSession} (a connection that holds
 * several tables' producer locks and wake-ups) and {@link dev.cdc.source.Changelog} (the cursor,
 * windows and pages); PostgreSQL's are in {@code dev.cdc.postgres}. Uses {@code base}, {@code db}, {@code event}
 * and {@code kafka}.
 */
package dev.cdc.source;
