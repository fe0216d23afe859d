package dev.cdc.engine;

import dev.cdc.db.Catalog;
import dev.cdc.db.Db;
import dev.cdc.postgres.PgCatalog;
import dev.cdc.postgres.PostgresSource;
import dev.cdc.postgres.PostgresTarget;
import dev.cdc.source.SourceEngine;
import dev.cdc.target.TargetEngine;

/**
 * Which engine serves a database, by its JDBC URL: the one place that knows the kinds of
 * database cdc speaks (PostgreSQL today; another is a package beside {@code dev.cdc.postgres} and
 * a line here).
 */
public final class Engines {
    private Engines() {
    }

    /** The engine that captures changes on {@code source}. */
    public static SourceEngine source(Db source) {
        requirePostgres(source);
        return new PostgresSource();
    }

    /** The engine that applies events to {@code target}. */
    public static TargetEngine target(Db target) {
        requirePostgres(target);
        return new PostgresTarget();
    }

    /** What {@code db} says of its tables. */
    public static Catalog catalog(Db db) {
        requirePostgres(db);
        return PgCatalog.INSTANCE;
    }

    private static void requirePostgres(Db db) {
        db.requirePostgresUrl();
    }
}
