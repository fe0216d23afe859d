/**
 * Where {@code cdc consume} delivers a batch: the {@link dev.cdc.sink.Sink} contract, its types
 * (a {@link dev.cdc.sink.Decoded} record in, {@link dev.cdc.sink.Delivered} out) and the HTTP
 * endpoint sink; the database sink implements it in {@code target}. Uses {@code base}, {@code db}
 * and {@code event}.
 */
package dev.cdc.sink;
