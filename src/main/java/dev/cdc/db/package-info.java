/**
 * A database cdc talks to: {@link dev.cdc.db.Db} (where it is, connecting with the session
 * settings of {@code sql/session.sql}, and the one translation of its errors into a
 * {@link dev.cdc.base.Failure}), {@link dev.cdc.db.Sql} (the SQL files of
 * {@code src/main/resources/sql/}, quoting, names that fit), {@link dev.cdc.db.Table} (a table
 * with its columns and key) and the {@link dev.cdc.db.Catalog} that reads one. Uses {@code base} only.
 */
package dev.cdc.db;
