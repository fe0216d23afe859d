/**
 * MySQL and MariaDB, the second engine (in progress: a source). {@link dev.cdc.mysql.MySqlSource}
 * behind {@code source.SourceEngine}: {@link dev.cdc.mysql.MySqlCapture} installs a table's
 * changelog and its row-level triggers ({@code sql/mysql/}), {@link dev.cdc.mysql.MySqlCaptures}
 * finds, removes and snapshots captures, {@link dev.cdc.mysql.MySqlCursor} reads a changelog window
 * by window without ever skipping a late commit, with no transaction snapshot to rely on (a
 * high-water mark; a row below it still in the changelog committed late), {@link dev.cdc.mysql.MySqlChangelog} and {@link dev.cdc.mysql.MySqlSession} are
 * what the publisher reads it through. {@link dev.cdc.mysql.MySqlCatalog} describes tables in
 * PostgreSQL's type names. Uses {@code source}, {@code db} and {@code base}.
 */
package dev.cdc.mysql;
