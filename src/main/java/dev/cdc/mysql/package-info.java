/**
 * MySQL and MariaDB, the second engine (in progress): {@link dev.cdc.mysql.MySqlCapture} installs a
 * table's changelog and its row-level triggers ({@code sql/mysql/}), and
 * {@link dev.cdc.mysql.MySqlCursor} reads the changelog window by window without ever skipping a
 * late commit, with no transaction snapshot to rely on (a high-water mark and the gaps below it,
 * each kept until a locking read proves it committed or never will be). Not yet behind
 * {@code source.SourceEngine}. Uses {@code source}, {@code db} and {@code base}.
 */
package dev.cdc.mysql;
