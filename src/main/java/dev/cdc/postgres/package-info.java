/**
 * PostgreSQL as a target (and, next, as a source): the implementations of the engine interfaces
 * of {@code target} ({@link dev.cdc.postgres.PostgresTarget}: offsets, row writer, two-way
 * conflicts) over the SQL of {@code sql/target/}, and the target tables created from a source
 * table's definition ({@link dev.cdc.postgres.TargetTable}). Uses {@code target}, {@code event},
 * {@code kafka}, {@code db} and {@code base}.
 */
package dev.cdc.postgres;
