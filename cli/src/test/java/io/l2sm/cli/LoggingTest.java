package io.l2sm.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.util.ContextInitializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import picocli.CommandLine;

/** A part's log lines: text as before, or JSON naming the part, node, network and pod. */
class LoggingTest {
  private final PrintStream err = System.err;
  private final ByteArrayOutputStream captured = new ByteArrayOutputStream();

  @AfterEach
  void restore() throws Exception {
    System.setErr(err);
    MDC.clear();
    // Back to logback.xml (short commands), as the other tests expect.
    LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
    ctx.reset();
    new ContextInitializer(ctx).autoConfig();
  }

  /** The agent's command line, with what it requires and {@code more}. */
  private static CommandLine agent(AgentCommand agent, String... more) {
    CommandLine cli = new CommandLine(agent);
    String[] required = {"--node", "n1", "--controller", "c:1", "--openflow-target", "tcp:c:2"};
    String[] args = java.util.Arrays.copyOf(required, required.length + more.length);
    System.arraycopy(more, 0, args, required.length, more.length);
    cli.parseArgs(args);
    return cli;
  }

  /** Configures as {@code l2sm agent ARGS} would, and returns what one INFO line printed. */
  private String logOneLine(String... args) {
    AgentCommand agent = new AgentCommand();
    CommandLine cli = agent(agent, args);
    Logging.part(cli.getCommandSpec(), agent.logging, "agent", Map.of("node", "n1"));
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    Logger log = LoggerFactory.getLogger(LoggingTest.class);
    MDC.put("network", "default/red");
    MDC.put("pod", "default/a");
    log.info("port {} plumbed", "veth1");
    log.debug("not at info");
    return captured.toString(StandardCharsets.UTF_8);
  }

  @Test
  void jsonLinesNameThePartTheNodeTheNetworkAndThePod() throws Exception {
    String out = logOneLine("--log-format", "json");
    assertThat(out.lines()).hasSize(1);
    JsonNode line = new ObjectMapper().readTree(out);
    assertThat(line.path("level").asText()).isEqualTo("INFO");
    assertThat(line.path("loggerName").asText()).isEqualTo(LoggingTest.class.getName());
    assertThat(line.path("formattedMessage").asText()).isEqualTo("port veth1 plumbed");
    assertThat(line.path("timestamp").asLong()).isPositive();
    assertThat(line.at("/context/properties/part").asText()).isEqualTo("agent");
    assertThat(line.at("/context/properties/node").asText()).isEqualTo("n1");
    assertThat(line.at("/mdc/network").asText()).isEqualTo("default/red");
    assertThat(line.at("/mdc/pod").asText()).isEqualTo("default/a");
  }

  @Test
  void textLinesKeepTheirFormAndTheLevelIsTheUsers() {
    String out = logOneLine();
    assertThat(out)
        .matches(
            "\\d\\d:\\d\\d:\\d\\d\\.\\d{3} \\[[^\\]]+\\] INFO LoggingTest - port veth1 plumbed\\R");
    captured.reset();
    String debug = logOneLine("--log-level", "debug");
    assertThat(debug).contains("INFO LoggingTest - port veth1 plumbed").contains("DEBUG");
  }

  @Test
  void aWrongFormatOrLevelIsAUsageError() {
    AgentCommand agent = new AgentCommand();
    assertThatThrownBy(() -> agent(agent, "--log-format", "xml"))
        .isInstanceOf(CommandLine.ParameterException.class)
        .hasMessageContaining("--log-format")
        .hasMessageContaining("text, json");
    CommandLine cli = agent(agent, "--log-level", "loud");
    assertThatThrownBy(() -> Logging.part(cli.getCommandSpec(), agent.logging, "agent", Map.of()))
        .isInstanceOf(CommandLine.ParameterException.class)
        .hasMessage("--log-level 'loud' is not error, warn, info, debug or trace");
  }
}
