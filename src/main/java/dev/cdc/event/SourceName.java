package dev.cdc.event;

import dev.cdc.base.Failure;

/** The name of a source ({@code cdc produce --source-name}, a two-way side): carried in events, versions and conflicts. */
public final class SourceName {
    private SourceName() {
    }

    /**
     * Checks a source's name ({@code what} says where it was given): letters, digits, '.', '_' and
     * '-', so it reads well in events, versions and conflicts.
     */
    public static void require(String name, String what) {
        if (!name.matches("[A-Za-z0-9._-]{1,100}")) {
            throw Failure.usage(what + " must be 1 to 100 letters, digits, '.', '_' or '-', not '" + name + "'");
        }
    }
}
