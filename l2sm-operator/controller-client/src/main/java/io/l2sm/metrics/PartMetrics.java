package io.l2sm.metrics;

import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/** A part's registry: Prometheus text on scrape, the JVM's meters bound from the start. */
public final class PartMetrics {
  /** The media type of {@link PrometheusMeterRegistry#scrape()}: Prometheus text, version 0.0.4. */
  public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private PartMetrics() {}

  /** Bucket bounds for a timer, in milliseconds (its service-level objectives). */
  public static java.time.Duration[] millis(long... bounds) {
    return java.util.stream.LongStream.of(bounds)
        .mapToObj(java.time.Duration::ofMillis)
        .toArray(java.time.Duration[]::new);
  }

  /**
   * A new registry with memory, garbage collection, threads, class loading, CPU and uptime bound.
   * No tag names the part: Prometheus labels each series with the target it scraped.
   */
  public static PrometheusMeterRegistry create() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmGcMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    return registry;
  }
}
