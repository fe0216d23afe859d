/**
 * The source side, {@code cdc produce} and {@code cdc snapshot}: capture installed on a table
 * (the triggers and the changelog of {@code sql/source/}), the changelog read window by window
 * (the cursor), the publish loop that sends its changes to Kafka, and the copy of rows that
 * existed before capture. Uses {@code base}, {@code db}, {@code event} and {@code kafka}.
 */
package dev.cdc.source;
