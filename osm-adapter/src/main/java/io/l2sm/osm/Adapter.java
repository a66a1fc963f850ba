package io.l2sm.osm;

import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.l2sm.metrics.PartMetrics;
import io.l2sm.osm.fabric.Fabric;
import io.l2sm.osm.sdn.BasicAuthInterceptor;
import io.l2sm.osm.sdn.SdnAssistService;
import io.l2sm.osm.vpls.VplsBook;
import io.l2sm.osm.web.AdapterSettings;
import io.l2sm.osm.web.Credentials;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.Banner;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The OSM adapter process: the ONOS-compatible REST API (Spring Boot, HTTP or HTTPS) and the
 * SDN-assist gRPC service, both on one {@link VplsBook} kept in the state directory, with a
 * background retry of services that are not ACTIVE yet.
 */
public final class Adapter implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Adapter.class);

  /**
   * How to run.
   *
   * @param host listen address of both APIs
   * @param httpPort REST port (0: any free one)
   * @param grpcPort SDN-assist gRPC port (0: any free one)
   * @param stateDir where the document and the services' state are kept
   * @param tlsCert PEM certificate chain, or null for plain HTTP/gRPC
   * @param tlsKey PEM private key (PKCS#8), with tlsCert
   * @param maxBodyBytes largest accepted request body
   * @param retry how often services that are not ACTIVE are applied again
   */
  public record Options(
      String host,
      int httpPort,
      int grpcPort,
      Path stateDir,
      Path tlsCert,
      Path tlsKey,
      int maxBodyBytes,
      Duration retry) {}

  /** The Spring configuration: scans the web package only. */
  @SpringBootApplication(scanBasePackages = "io.l2sm.osm.web")
  public static class Web {}

  /** Tomcat logs through java.util.logging: its INFO start-up lines are kept out. */
  private static final java.util.logging.Logger TOMCAT =
      java.util.logging.Logger.getLogger("org.apache");

  private final ConfigurableApplicationContext web;
  private final Server grpc;
  private final VplsBook book;
  private final Fabric fabric;
  private final ScheduledExecutorService retry;
  private final PrometheusMeterRegistry metrics;

  private Adapter(
      ConfigurableApplicationContext web,
      Server grpc,
      VplsBook book,
      Fabric fabric,
      ScheduledExecutorService retry,
      PrometheusMeterRegistry metrics) {
    this.web = web;
    this.grpc = grpc;
    this.book = book;
    this.fabric = fabric;
    this.retry = retry;
    this.metrics = metrics;
  }

  /** Starts both APIs; the fabric is closed with the adapter. */
  public static Adapter start(Options o, Credentials credentials, Fabric fabric)
      throws IOException {
    // Spring would otherwise look for Logback; the project logs through slf4j-simple.
    System.setProperty("org.springframework.boot.logging.LoggingSystem", "none");
    TOMCAT.setLevel(java.util.logging.Level.WARNING);
    VplsBook book = new VplsBook(o.stateDir(), fabric);
    book.resync();
    PrometheusMeterRegistry metrics = PartMetrics.create();
    for (VplsBook.Phase phase : VplsBook.Phase.values()) {
      Gauge.builder(
              "l2sm.services",
              book,
              b -> b.services().values().stream().filter(v -> v.phase() == phase).count())
          .description("VPLS services the adapter holds, by phase.")
          .tag("phase", phase.name())
          .register(metrics);
    }
    Map<String, Object> props = new HashMap<>();
    props.put("server.address", o.host());
    props.put("server.port", o.httpPort());
    props.put("server.error.whitelabel.enabled", false);
    props.put("spring.jmx.enabled", false);
    props.put("spring.main.register-shutdown-hook", false);
    props.put("server.tomcat.max-swallow-size", o.maxBodyBytes());
    if (o.tlsCert() != null) {
      props.put("server.ssl.certificate", "file:" + o.tlsCert().toAbsolutePath());
      props.put("server.ssl.certificate-private-key", "file:" + o.tlsKey().toAbsolutePath());
    }
    ConfigurableApplicationContext web =
        new SpringApplicationBuilder(Web.class)
            .web(WebApplicationType.SERVLET)
            .bannerMode(Banner.Mode.OFF)
            .logStartupInfo(false)
            .properties(props)
            .initializers(
                ctx -> {
                  ctx.getBeanFactory().registerSingleton("vplsBook", book);
                  ctx.getBeanFactory().registerSingleton("credentials", credentials);
                  ctx.getBeanFactory().registerSingleton("metrics", metrics);
                  ctx.getBeanFactory()
                      .registerSingleton("settings", new AdapterSettings(o.maxBodyBytes()));
                })
            .run();
    NettyServerBuilder b =
        NettyServerBuilder.forAddress(new InetSocketAddress(o.host(), o.grpcPort()))
            .maxInboundMessageSize(o.maxBodyBytes())
            .addService(
                ServerInterceptors.intercept(
                    new SdnAssistService(book), new BasicAuthInterceptor(credentials)));
    if (o.tlsCert() != null) {
      b.useTransportSecurity(o.tlsCert().toFile(), o.tlsKey().toFile());
    }
    Server grpc;
    try {
      grpc = b.build().start();
    } catch (IOException e) {
      web.close();
      metrics.close();
      throw new IOException("cannot listen for gRPC on " + o.host() + ":" + o.grpcPort(), e);
    }
    ScheduledExecutorService retry =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "adapter-retry");
              t.setDaemon(true);
              return t;
            });
    long every = o.retry().toMillis();
    retry.scheduleWithFixedDelay(
        () -> {
          try {
            book.retry();
          } catch (RuntimeException e) {
            LOG.warn("retry: {}", e.toString());
          }
        },
        every,
        every,
        TimeUnit.MILLISECONDS);
    Adapter a = new Adapter(web, grpc, book, fabric, retry, metrics);
    LOG.info(
        "OSM adapter: ONOS REST API on {}://{}:{}/onos/v1, SDN-assist gRPC on {}:{}{}",
        o.tlsCert() == null ? "http" : "https",
        o.host(),
        a.httpPort(),
        o.host(),
        a.grpcPort(),
        o.tlsCert() == null ? "" : " (TLS)");
    return a;
  }

  public int httpPort() {
    return ((WebServerApplicationContext) web).getWebServer().getPort();
  }

  public int grpcPort() {
    return grpc.getPort();
  }

  public VplsBook book() {
    return book;
  }

  /** Blocks until the adapter is stopped. */
  public void awaitTermination() throws InterruptedException {
    grpc.awaitTermination();
  }

  @Override
  public void close() {
    retry.shutdownNow();
    grpc.shutdownNow();
    web.close();
    fabric.close();
    metrics.close();
  }
}
