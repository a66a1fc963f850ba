/**
 * The {@code l2sm} command line (picocli): one command per feature, each a thin layer that parses
 * options, starts or calls the part that does the work and reports its outcome; the parts' process
 * wiring (health endpoints, daemons, exit codes); the benchmarks ({@code bench ...}) and the Smart
 * Campus scenario, which issue 18 moves to a module of their own.
 */
package io.l2sm.cli;
