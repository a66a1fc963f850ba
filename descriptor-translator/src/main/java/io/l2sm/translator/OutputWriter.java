package io.l2sm.translator;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Writes a translation's files into a folder all at once: they go to a temporary folder beside the
 * target, which then replaces the target. A failure leaves the target as it was; a target that
 * holds files {@code l2sm translate} does not write is refused, so nothing of the user's is lost.
 */
public final class OutputWriter {
  private static final Set<String> OURS =
      Set.of(
          Renderer.NETWORKS,
          Renderer.PLAN,
          Renderer.NS_CONFIG,
          Renderer.NED_LINKS,
          Renderer.KDU_VALUES_DIR);

  private OutputWriter() {}

  /**
   * Replaces {@code target} with a folder holding exactly {@code files}.
   *
   * @throws InvalidInputException when {@code target} is a file, or a folder with other content
   * @throws IOException when writing fails; the target is then unchanged
   */
  public static void write(Path target, Map<String, String> files)
      throws InvalidInputException, IOException {
    Path absolute = target.toAbsolutePath().normalize();
    checkReplaceable(target, absolute);
    Path parent = absolute.getParent();
    Files.createDirectories(parent);
    String stem = "." + absolute.getFileName() + ".";
    Path staging = parent.resolve(stem + "tmp-" + UUID.randomUUID());
    Path retired = parent.resolve(stem + "old-" + UUID.randomUUID());
    try {
      Files.createDirectory(staging);
      for (Map.Entry<String, String> file : files.entrySet()) {
        Path path = staging.resolve(file.getKey());
        Files.createDirectories(path.getParent());
        Files.writeString(path, file.getValue(), StandardCharsets.UTF_8);
      }
      boolean replacing = Files.exists(absolute);
      if (replacing) {
        move(absolute, retired);
      }
      try {
        move(staging, absolute);
      } catch (IOException e) {
        if (replacing) {
          move(retired, absolute);
        }
        throw e;
      }
      if (replacing) {
        deleteTree(retired);
      }
    } finally {
      if (Files.exists(staging)) {
        deleteTree(staging);
      }
    }
  }

  private static void checkReplaceable(Path typed, Path absolute) throws InvalidInputException {
    if (!Files.exists(absolute)) {
      return;
    }
    if (!Files.isDirectory(absolute)) {
      throw new InvalidInputException(
          Problem.ofFile(typed.toString(), "output path exists and is not a folder"));
    }
    List<String> foreign = new ArrayList<>();
    try (Stream<Path> entries = Files.list(absolute)) {
      entries.forEach(
          p -> {
            String name = p.getFileName().toString();
            if (!OURS.contains(name)) {
              foreign.add(name);
            }
          });
    } catch (IOException e) {
      throw new InvalidInputException(
          Problem.ofFile(typed.toString(), "cannot list output folder: " + e.getMessage()));
    }
    if (!foreign.isEmpty()) {
      foreign.sort(null);
      throw new InvalidInputException(
          Problem.ofFile(
              typed.toString(),
              "output folder holds files l2sm translate did not write ("
                  + String.join(", ", foreign)
                  + "); choose a new or empty folder"));
    }
  }

  private static void move(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to);
    }
  }

  private static void deleteTree(Path root) throws IOException {
    Files.walkFileTree(
        root,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            Files.delete(file);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
            Files.delete(dir);
            return FileVisitResult.CONTINUE;
          }
        });
  }
}
