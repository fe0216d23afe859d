/**
 * {@code cdc setup}: capture on the source, the tables and bookkeeping on the target, which topic
 * feeds which table; one-way, consolidated, and two-way ({@link dev.cdc.setup.TwoWaySync}). Uses
 * {@code source}, {@code target}, {@code kafka} and below.
 */
package dev.cdc.setup;
