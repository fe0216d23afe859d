/**
 * Looking at running pipelines: {@code cdc status} (backlog, lag and producers, read from the
 * source, Kafka and the target) and the comparison of a source table with its copy. Uses
 * {@code source}, {@code target}, {@code kafka} and below.
 */
package dev.cdc.ops;
