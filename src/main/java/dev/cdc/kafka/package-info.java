/**
 * The broker: {@link dev.cdc.kafka.Kafka} (where it is, the topic, the client settings cdc relies
 * on, which partition a key goes to) and {@link dev.cdc.kafka.Topics} (creating, describing,
 * changing and deleting topics). Uses {@code base} and {@code db}.
 */
package dev.cdc.kafka;
