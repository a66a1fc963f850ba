package io.l2sm.osm.web;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.servlet.HandlerMapping;

/**
 * Times every request, refused ones included (it runs before {@link AuthFilter}), in {@code
 * l2sm.http.requests} by method, route (the mapping's pattern, so one series per endpoint, not per
 * VPLS name; "none" when no mapping took it) and status.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
public class RequestMeter extends OncePerRequestFilter {
  private final MeterRegistry registry;

  public RequestMeter(MeterRegistry registry) {
    this.registry = registry;
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    long start = System.nanoTime();
    try {
      chain.doFilter(request, response);
    } finally {
      Object route = request.getAttribute(HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE);
      Timer.builder("l2sm.http.requests")
          .description("REST requests the adapter answered, by method, route and status.")
          .tag("method", request.getMethod())
          .tag("route", route == null ? "none" : route.toString())
          .tag("status", Integer.toString(response.getStatus()))
          .register(registry)
          .record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
    }
  }
}
