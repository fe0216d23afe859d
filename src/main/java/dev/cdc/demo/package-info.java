/**
 * The employees demo in one process: setup, produce and consume on threads
 * ({@link dev.cdc.demo.Pipeline}), a writer workload, and the checks of {@code cdc selftest}. Uses
 * {@code setup}, {@code source}, {@code consume}, {@code ops} and below.
 */
package dev.cdc.demo;
