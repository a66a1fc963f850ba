package io.l2sm.cli;

/** Exit codes of every {@code l2sm} command (ARCHITECTURE.md section 3). */
public final class ExitCodes {
  public static final int OK = 0;
  public static final int FAILURE = 1;
  public static final int INVALID_INPUT = 2;

  private ExitCodes() {}
}
