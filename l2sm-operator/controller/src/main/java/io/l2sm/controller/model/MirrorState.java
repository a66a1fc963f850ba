package io.l2sm.controller.model;

/**
 * Copies of a network's or an attachment's frames sent to a monitor attachment.
 *
 * @param source {@code network:<name>} or {@code attachment:<id>}
 * @param monitor the monitor attachment's id; its network should hold nothing else, since the
 *     copies are flooded to that network's members on the monitor's switch
 */
public record MirrorState(String source, String monitor) {
  public static final String NETWORK = "network:";
  public static final String ATTACHMENT = "attachment:";

  public boolean ofNetwork() {
    return source.startsWith(NETWORK);
  }

  /** The network name or attachment id, without the prefix. */
  public String sourceName() {
    return source.substring(source.indexOf(':') + 1);
  }
}
