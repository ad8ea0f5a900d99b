/**
 * {@code make demo}: applies examples/pipeline to the local runtime, shows the live table and prints the
 * final accounting taken from the example source and sink.
 */
package dev.streamops.local.demo;
