/**
 * The choice of engine for a database ({@link dev.cdc.engine.Engines}): the only package that
 * names the engine packages. Uses {@code postgres} and the interfaces it implements.
 */
package dev.cdc.engine;
