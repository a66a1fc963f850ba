package io.l2sm.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import java.util.Map;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * How the long-running parts log, to stderr: text lines ({@code 12:00:00.000 [thread] INFO Class -
 * message}, what the lab and {@code kubectl logs} readers see) or JSON lines for log collectors,
 * one object per line with the time, level, logger, thread, message, the part and node (the logger
 * context's properties) and what the line is about (the MDC: the network or overlay a reconcile
 * works on, the pod and network of a CNI request). Short commands keep {@code logback.xml}:
 * warnings and errors only.
 */
final class Logging {
  private Logging() {}

  enum Format {
    text,
    json
  }

  /** The logging options of a long-running part. */
  static final class Options {
    @Option(
        names = "--log-format",
        paramLabel = "FORMAT",
        defaultValue = "${env:L2SM_LOG_FORMAT:-text}",
        description =
            "text, or json: one JSON object per line with the part, node, network and pod named"
                + " (default: ${DEFAULT-VALUE}; the environment's L2SM_LOG_FORMAT).")
    Format format;

    @Option(
        names = "--log-level",
        paramLabel = "LEVEL",
        defaultValue = "${env:L2SM_LOG_LEVEL:-info}",
        description =
            "error, warn, info, debug or trace (default: ${DEFAULT-VALUE}; the environment's"
                + " L2SM_LOG_LEVEL).")
    String level;
  }

  /**
   * Replaces the short commands' configuration with a part's. Call it first: loggers made before
   * keep their level.
   *
   * @param part what runs (controller, operator, agent...): in every JSON line
   * @param properties more for every JSON line, e.g. the agent's node
   */
  static void part(CommandSpec spec, Options o, String part, Map<String, String> properties) {
    Level level = Level.toLevel(o.level, null);
    if (level == null) {
      throw new ParameterException(
          spec.commandLine(),
          "--log-level '" + o.level + "' is not error, warn, info, debug or trace");
    }
    LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
    ctx.reset();
    ctx.putProperty("part", part);
    properties.forEach(ctx::putProperty);
    Encoder<ILoggingEvent> encoder;
    if (o.format == Format.json) {
      JsonEncoder json = new JsonEncoder();
      // The values of the line's arguments are in its message already.
      json.setWithArguments(false);
      json.setWithMessage(false);
      json.setWithFormattedMessage(true);
      json.setWithSequenceNumber(false);
      json.setWithNanoseconds(false);
      encoder = json;
    } else {
      PatternLayoutEncoder pattern = new PatternLayoutEncoder();
      pattern.setPattern("%d{HH:mm:ss.SSS} [%thread] %level %logger{0} - %msg%n");
      encoder = pattern;
    }
    encoder.setContext(ctx);
    encoder.start();
    ConsoleAppender<ILoggingEvent> stderr = new ConsoleAppender<>();
    stderr.setContext(ctx);
    stderr.setName("stderr");
    stderr.setTarget("System.err");
    stderr.setEncoder(encoder);
    stderr.start();
    ch.qos.logback.classic.Logger root = ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.setLevel(level);
    root.addAppender(stderr);
  }
}
