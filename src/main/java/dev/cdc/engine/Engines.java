package dev.cdc.engine;

import dev.cdc.base.Failure;
import dev.cdc.db.Db;
import dev.cdc.postgres.PostgresTarget;
import dev.cdc.target.TargetEngine;

/**
 * Which engine serves a database, by its JDBC URL: the one place that knows the kinds of
 * database cdc speaks (PostgreSQL today; another is a package beside {@code dev.cdc.postgres} and
 * a line here).
 */
public final class Engines {
    private Engines() {
    }

    /** The engine that applies events to {@code target}. */
    public static TargetEngine target(Db target) {
        if (target.url().startsWith("jdbc:postgresql:")) {
            return new PostgresTarget();
        }
        throw Failure.usage("not a PostgreSQL JDBC URL for the " + target.role() + " database: " + Db.mask(target.url())
                + " (expected jdbc:postgresql://host:port/database)");
    }
}
