package io.l2sm.osm.web;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * HTTP Basic on every path but the probes ({@code /healthz}, {@code /readyz}) and {@code /metrics};
 * refusals are logged without the header.
 */
@Component
public class AuthFilter extends OncePerRequestFilter {
  private static final Logger LOG = LoggerFactory.getLogger(AuthFilter.class);
  private final Credentials credentials;

  public AuthFilter(Credentials credentials) {
    this.credentials = credentials;
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    if (request.getRequestURI().equals("/healthz")
        || request.getRequestURI().equals("/readyz")
        || request.getRequestURI().equals("/metrics")
        || credentials.acceptsBasic(request.getHeader("Authorization"))) {
      chain.doFilter(request, response);
      return;
    }
    LOG.warn(
        "refused {} {} from {}: missing or wrong credentials",
        request.getMethod(),
        request.getRequestURI(),
        request.getRemoteAddr());
    response.setStatus(401);
    response.setHeader("WWW-Authenticate", "Basic realm=\"l2sm\"");
    response.setContentType("application/json");
    response
        .getOutputStream()
        .write(
            "{\"code\":401,\"message\":\"missing or wrong credentials\"}"
                .getBytes(StandardCharsets.UTF_8));
  }
}
