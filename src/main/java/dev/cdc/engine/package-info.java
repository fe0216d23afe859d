/**
 * The choice of engine for a database ({@link dev.cdc.engine.Engines}: its source and target halves and its catalog): the only package that
 * names the engine packages. Uses {@code postgres} and the interfaces it implements.
 */
package dev.cdc.engine;
