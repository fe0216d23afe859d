/**
 * MySQL and MariaDB, the second engine: a source, a target, and either side of two-way sync. {@link dev.cdc.mysql.MySqlSource}
 * behind {@code source.SourceEngine}: {@link dev.cdc.mysql.MySqlCapture} installs a table's
 * changelog and its row-level triggers ({@code sql/mysql/}), {@link dev.cdc.mysql.MySqlCaptures}
 * finds, removes and snapshots captures, {@link dev.cdc.mysql.MySqlCursor} reads a changelog window
 * by window without ever skipping a late commit, with no transaction snapshot to rely on (a
 * high-water mark; a row below it still in the changelog committed late), {@link dev.cdc.mysql.MySqlChangelog} and {@link dev.cdc.mysql.MySqlSession} are
 * what the publisher reads it through. {@link dev.cdc.mysql.MySqlCatalog} describes tables in
 * PostgreSQL's type names. {@link dev.cdc.mysql.MySqlTarget} behind {@code target.TargetEngine}: the
 * bookkeeping ({@code sql/mysql/target/}), {@link dev.cdc.mysql.MySqlTargetTable} (tables created
 * from a source's definition), {@link dev.cdc.mysql.MySqlRowWriter} with {@link dev.cdc.mysql.MySqlValues}
 * (rows), {@link dev.cdc.mysql.MySqlOffsetStore} (offsets and positions). Uses {@code source},
 * {@code target}, {@code event}, {@code kafka}, {@code db} and {@code base}.
 */
package dev.cdc.mysql;
