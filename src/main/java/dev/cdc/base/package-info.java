/**
 * What every other package may use, and which uses nothing of cdc: {@link dev.cdc.base.Failure} (an
 * error a user can act on, and the one definition of the exit codes), the JSON mapper, backoff,
 * progress lines, the shutdown hook and the metrics registry.
 */
package dev.cdc.base;
