package io.l2sm.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.l2sm.cli.BenchReport.Figure;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CDN benchmark's statistics, report and plot, from given samples. */
class BenchCdnReportTest {
  @TempDir Path dir;

  private static BenchCdnCommand.Cdn sample() {
    Map<String, double[]> s = new LinkedHashMap<>();
    s.put("nocache_idle", new double[] {1, 2, 3, 4, 5});
    s.put("nocache_congested", new double[] {8, 10, 12, 10, 10});
    s.put("cache_idle", new double[] {0.1, 0.1, 0.1, 0.1, 0.1});
    s.put("cache_congested", new double[] {0.2, 0.3, 0.2, 0.3, 0.25});
    return new BenchCdnCommand.Cdn(s, 10, 10, 1, 0, 4, new double[] {0.05, 0.07}, 45.0, 50, 8);
  }

  @Test
  void meanAndConfidenceIntervalFollowStudentsT() {
    // Mean 3, sample standard deviation sqrt(2.5), t(0.975, 4 df) = 2.7764.
    assertThat(Figure.ci95(new double[] {1, 2, 3, 4, 5}))
        .isCloseTo(2.7764 * Math.sqrt(2.5) / Math.sqrt(5), within(1e-3));
    assertThat(Figure.mean("x", "s", new double[] {1, 2, 3, 4, 5}).value()).isEqualTo(3.0);
    assertThat(Figure.ci95(new double[] {7})).isZero();
  }

  @Test
  void theReportNamesEachConditionWithItsIntervalAndTheRatios() throws Exception {
    BenchReport r = new BenchReport();
    sample().report(r);
    Path json = dir.resolve("cdn.json");
    r.writeJson(json);
    var doc = new com.fasterxml.jackson.databind.ObjectMapper().readTree(json.toFile());
    Map<String, Double> figures = new LinkedHashMap<>();
    doc.path("figures")
        .forEach(f -> figures.put(f.path("name").asText(), f.path("value").asDouble()));
    assertThat(figures)
        .containsEntry("cdn_nocache_idle_s", 3.0)
        .containsEntry("cdn_nocache_idle_ci95_s", 1.96)
        .containsEntry("cdn_nocache_congested_s", 10.0)
        .containsEntry("cdn_cache_speedup_congested", 40.0)
        .containsEntry("cdn_congestion_slowdown_nocache", 3.33)
        .containsEntry("cdn_cache_hits", 10.0)
        .containsEntry("cdn_dns_retries", 1.0)
        .containsEntry("cdn_leaked_frames_other_campus", 0.0);
    assertThat(doc.path("references").findValuesAsText("name"))
        .containsExactly(
            "origin_same_cluster_download_s",
            "intercampus_idle_tcp_mbps",
            "intercampus_link_rate_mbit");
    Path md = dir.resolve("cdn.md");
    r.writeMarkdown(md, "CDN");
    assertThat(Files.readString(md))
        .startsWith("# CDN\n")
        .contains("| `cdn_nocache_congested_s` | 10.00 | s | 5 | 8.00 | 12.00 |")
        .contains("| `(reference) intercampus_link_rate_mbit` | 50.00 | Mbit/s |");
  }

  @Test
  void thePlotIsAPngOfTheBars() throws Exception {
    Path png = dir.resolve("plots/cdn.png");
    sample().plot(png);
    BufferedImage image = ImageIO.read(png.toFile());
    assertThat(image.getWidth()).isEqualTo(800);
    assertThat(image.getHeight()).isEqualTo(500);
    // Two series of bars in two colours, not a blank canvas.
    long colours =
        java.util.stream.IntStream.range(0, 800)
            .flatMap(x -> java.util.stream.IntStream.range(0, 500).map(y -> image.getRGB(x, y)))
            .distinct()
            .count();
    assertThat(colours).isGreaterThan(10);
  }
}
