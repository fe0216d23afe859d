/**
 * {@code cdc bench}: the benchmark, with produce and consume in JVMs of their own (as users run
 * them), their CPU time and memory, and the lag plot. Uses every feature package; nothing uses it
 * but {@code cli}.
 */
package dev.cdc.bench;
