package io.l2sm.lab;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Files of the checkout this program runs from (its jar or classes lie inside it). */
final class Checkout {
  private Checkout() {}

  /** {@code relative} in the nearest folder above this program's code that has it. */
  static Optional<Path> find(String relative) {
    try {
      Path p = Path.of(Checkout.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      for (; p != null; p = p.getParent()) {
        if (Files.exists(p.resolve(relative))) {
          return Optional.of(p.resolve(relative));
        }
      }
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
    return Optional.empty();
  }
}
