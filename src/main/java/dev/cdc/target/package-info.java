/**
 * The target side of {@code cdc consume} for a database: the plan of a batch (what to write,
 * what was applied already), the offsets stored with the rows, the upserts and deletes
 * ({@code sql/target/}), two-way conflict resolution, and the target tables created from the
 * source's definition. Uses {@code base}, {@code db}, {@code event} and {@code kafka}.
 */
package dev.cdc.target;
