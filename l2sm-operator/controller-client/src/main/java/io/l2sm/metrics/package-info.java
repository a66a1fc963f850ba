/**
 * What every long-running part (controller, IDCO, operator, agent) serves on {@code /metrics}: one
 * Micrometer registry in the Prometheus text format, holding the JVM's and the process's own meters
 * and the part's. A part's meters are named {@code l2sm.*} in code, {@code l2sm_*} on the wire.
 */
package io.l2sm.metrics;
