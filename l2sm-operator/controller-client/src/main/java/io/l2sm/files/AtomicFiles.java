package io.l2sm.files;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;

/**
 * Replaces a file's content through a temporary file beside it and a rename, so a reader sees the
 * old file or the new one. The temporary file is the caller's own (several processes may write one
 * folder at the same moment) and is gone afterwards, whether the write succeeded or not.
 */
public final class AtomicFiles {
  private AtomicFiles() {}

  private static final Set<PosixFilePermission> READABLE =
      java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--");

  /** How far a write must have gone when {@link #replace} returns. */
  public enum Durability {
    /** In the page cache: survives the process, not necessarily the machine. */
    PROCESS,
    /** Flushed to the disk before the rename: survives a crash of the machine too. */
    MACHINE
  }

  /**
   * Writes {@code content} as the whole of {@code file}, creating its folder if needed.
   *
   * @param permissions the file's permissions, or null for {@code rw-r--r--}
   */
  public static void replace(
      Path file, byte[] content, Set<PosixFilePermission> permissions, Durability durability)
      throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp");
    try {
      // A temporary file is made private (rw-------): the file gets what it should have.
      Files.setPosixFilePermissions(tmp, permissions != null ? permissions : READABLE);
      try (FileChannel ch =
          FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
        java.nio.ByteBuffer buf = java.nio.ByteBuffer.wrap(content);
        while (buf.hasRemaining()) {
          ch.write(buf);
        }
        if (durability == Durability.MACHINE) {
          ch.force(true);
        }
      }
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /** {@link #replace} with {@code rw-r--r--}, durable for the process. */
  public static void replace(Path file, byte[] content) throws IOException {
    replace(file, content, null, Durability.PROCESS);
  }
}
