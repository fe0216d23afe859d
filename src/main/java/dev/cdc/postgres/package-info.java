/**
 * PostgreSQL, the engine behind the interfaces of {@code source}, {@code target} and {@code db}. As
 * a source ({@link dev.cdc.postgres.PostgresSource}): {@link dev.cdc.postgres.PgCaptures} installs
 * the triggers and changelog of {@code sql/source/} (their placeholders filled by
 * {@link dev.cdc.postgres.PgCaptureSql}) and copies existing rows ({@link dev.cdc.postgres.PgSnapshot});
 * {@link dev.cdc.postgres.PgChangelog} reads a changelog between two transaction snapshots and holds
 * the cursor, on a {@link dev.cdc.postgres.PgSession} shared by several tables. As a target ({@link dev.cdc.postgres.PostgresTarget}): offsets, row writer and two-way
 * conflicts over the SQL of {@code sql/target/}, and the target tables created from a source table's
 * definition ({@link dev.cdc.postgres.TargetTable}). Its catalog is {@link dev.cdc.postgres.PgCatalog}.
 * Uses {@code source}, {@code target}, {@code event}, {@code kafka}, {@code db} and {@code base}.
 */
package dev.cdc.postgres;
