package io.l2sm.translator;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/** The input cannot be translated; carries every problem found, in a stable order. */
public class InvalidInputException extends Exception {
  private static final long serialVersionUID = 1L;

  private final transient List<Problem> problems;

  public InvalidInputException(List<Problem> problems) {
    super(summary(problems));
    List<Problem> sorted = new ArrayList<>(problems);
    sorted.sort(Problem.ORDER);
    this.problems = List.copyOf(sorted);
  }

  public InvalidInputException(Problem problem) {
    this(List.of(problem));
  }

  /** Every problem found, sorted by file and position; never empty. */
  public List<Problem> problems() {
    return problems;
  }

  private static String summary(List<Problem> problems) {
    if (problems.isEmpty()) {
      throw new IllegalArgumentException("an invalid-input error needs at least one problem");
    }
    return problems.stream()
        .sorted(Problem.ORDER)
        .map(Problem::format)
        .collect(Collectors.joining("\n"));
  }
}
