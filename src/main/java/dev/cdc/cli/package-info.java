/**
 * The {@code cdc} command line (picocli): one class per command, the connection options shared by
 * all of them, and how a {@link dev.cdc.base.Failure} becomes one line and an exit code. The only
 * package that may use every other; only {@code Main} uses it.
 */
package dev.cdc.cli;
