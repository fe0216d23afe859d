/**
 * PostgreSQL, the engine behind the interfaces of {@code source} and {@code target}: as a source
 * ({@link dev.cdc.postgres.PostgresSource}; {@link dev.cdc.postgres.PgChangelog} reads a changelog
 * between two transaction snapshots and holds the cursor), and as a target
 * ({@link dev.cdc.postgres.PostgresTarget}: offsets, row writer and two-way conflicts over the SQL
 * of {@code sql/target/}, and the target tables created from a source table's definition,
 * {@link dev.cdc.postgres.TargetTable}). Uses {@code source}, {@code target}, {@code event},
 * {@code kafka}, {@code db} and {@code base}.
 */
package dev.cdc.postgres;
