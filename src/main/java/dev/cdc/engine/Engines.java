package dev.cdc.engine;

import dev.cdc.db.Catalog;
import dev.cdc.db.Db;
import dev.cdc.base.Failure;
import dev.cdc.mysql.MySqlCatalog;
import dev.cdc.mysql.MySqlSource;
import dev.cdc.mysql.MySqlTarget;
import dev.cdc.postgres.PgCatalog;
import dev.cdc.postgres.PostgresSource;
import dev.cdc.postgres.PostgresTarget;
import dev.cdc.source.SourceEngine;
import dev.cdc.target.TargetEngine;

/**
 * Which engine serves a database, by its JDBC URL: the one place that knows the kinds of
 * database cdc speaks (PostgreSQL; MySQL and MariaDB, {@code dev.cdc.mysql}).
 */
public final class Engines {
    private Engines() {
    }

    /** The engine that captures changes on {@code source}. */
    public static SourceEngine source(Db source) {
        if (source.isMySql()) {
            return new MySqlSource();
        }
        requirePostgres(source);
        return new PostgresSource();
    }

    /** The engine that applies events to {@code target}. */
    public static TargetEngine target(Db target) {
        if (target.isMySql()) {
            return new MySqlTarget();
        }
        requirePostgres(target);
        return new PostgresTarget();
    }

    /** What {@code db} says of its tables. */
    public static Catalog catalog(Db db) {
        if (db.isMySql()) {
            return MySqlCatalog.INSTANCE;
        }
        requirePostgres(db);
        return PgCatalog.INSTANCE;
    }

    private static void requirePostgres(Db db) {
        db.requirePostgresUrl();
    }
}
