package io.l2sm.translator;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

/**
 * Reads descriptors from what OSM users have at hand: a descriptor YAML file, an OSM package folder
 * (descriptor at its root, {@code helm-chart-v3s/} beside it) or an OSM package {@code .tar.gz}
 * (one top folder holding the same).
 */
public final class DescriptorLoader {
  /** Most entries a package tarball may hold before it is refused. */
  static final int MAX_TAR_ENTRIES = 20_000;

  private static final Set<String> OLD_IM_KEYS =
      Set.of("nsd:nsd-catalog", "vnfd:vnfd-catalog", "nsd-catalog", "vnfd-catalog");

  private DescriptorLoader() {}

  /** True for the file names of package tarballs ({@code .tar.gz}, {@code .tgz}). */
  public static boolean isTarball(Path path) {
    String name = path.getFileName().toString().toLowerCase(Locale.ROOT);
    return name.endsWith(".tar.gz") || name.endsWith(".tgz");
  }

  /** True for YAML file names. */
  public static boolean isYaml(Path path) {
    String name = path.getFileName().toString().toLowerCase(Locale.ROOT);
    return name.endsWith(".yaml") || name.endsWith(".yml");
  }

  /**
   * All descriptors in {@code path}: the document of a YAML file, or those at the root (or under
   * {@code Definitions/}) of a package folder or tarball.
   *
   * @throws InvalidInputException when the path does not exist, is not a package, or a descriptor
   *     in it is malformed
   */
  public static List<LoadedDescriptor> load(Path path) throws InvalidInputException {
    if (!Files.exists(path)) {
      throw new InvalidInputException(Problem.ofFile(path.toString(), "no such file or folder"));
    }
    if (Files.isDirectory(path)) {
      return loadFolder(path);
    }
    if (isTarball(path)) {
      return loadTarball(path);
    }
    LoadedDescriptor one = readDescriptor(path, path.toString(), readBytes(path));
    if (one == null) {
      throw new InvalidInputException(
          Problem.ofFile(
              path.toString(), "not an OSM descriptor: expected a top-level 'nsd' or 'vnfd' key"));
    }
    return List.of(one);
  }

  /**
   * Like {@link #load}, but a YAML file that is not a descriptor (a cluster map, a values file)
   * yields nothing instead of an error: for folders that hold packages among other files.
   */
  public static List<LoadedDescriptor> loadIfDescriptor(Path path) throws InvalidInputException {
    if (Files.isDirectory(path)) {
      return packageDescriptors(path);
    }
    if (Files.isRegularFile(path) && isYaml(path)) {
      LoadedDescriptor one = readDescriptor(path, path.toString(), readBytes(path));
      return one == null ? List.of() : List.of(one);
    }
    return load(path);
  }

  /** True when {@code folder} holds a descriptor at its root, i.e. is a package folder. */
  public static boolean isPackageFolder(Path folder) {
    try {
      return !packageDescriptors(folder).isEmpty();
    } catch (InvalidInputException e) {
      return true; // a broken descriptor still makes this a package: its errors come on load
    }
  }

  /**
   * The descriptors at a folder's root (or under Definitions/), each file parsed once; empty when
   * the folder is not a package. A broken file that looks like a descriptor is an error; broken
   * YAML of another kind (a multi-document manifest, a values file) is passed over.
   */
  private static List<LoadedDescriptor> packageDescriptors(Path folder)
      throws InvalidInputException {
    List<LoadedDescriptor> found = new ArrayList<>();
    for (Path candidate : descriptorCandidates(folder)) {
      try {
        LoadedDescriptor descriptor =
            readDescriptor(folder, candidate.toString(), readBytes(candidate));
        if (descriptor != null) {
          found.add(descriptor);
        }
      } catch (InvalidInputException e) {
        if (looksLikeDescriptor(candidate)) {
          throw e;
        }
      }
    }
    return found;
  }

  private static final Pattern DESCRIPTOR_KEY =
      Pattern.compile(
          "(?m)^(nsd|vnfd|nsd:nsd-catalog|vnfd:vnfd-catalog|nsd-catalog|vnfd-catalog)\\s*:");

  private static boolean looksLikeDescriptor(Path file) {
    try {
      return DESCRIPTOR_KEY.matcher(Files.readString(file)).find();
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  private static List<LoadedDescriptor> loadFolder(Path folder) throws InvalidInputException {
    List<LoadedDescriptor> found = packageDescriptors(folder);
    if (found.isEmpty()) {
      throw new InvalidInputException(
          Problem.ofFile(
              folder.toString(),
              "not an OSM package: no NSD or VNFD YAML at its root or under Definitions/"));
    }
    return found;
  }

  private static List<Path> descriptorCandidates(Path folder) {
    List<Path> candidates = new ArrayList<>();
    for (Path dir : List.of(folder, folder.resolve("Definitions"))) {
      if (!Files.isDirectory(dir)) {
        continue;
      }
      try (Stream<Path> files = Files.list(dir)) {
        files
            .filter(Files::isRegularFile)
            .filter(DescriptorLoader::isYaml)
            .sorted()
            .forEach(candidates::add);
      } catch (IOException e) {
        // an unreadable folder holds no candidates; the caller reports "not a package"
      }
    }
    return candidates;
  }

  private static List<LoadedDescriptor> loadTarball(Path tarball) throws InvalidInputException {
    String name = tarball.toString();
    List<LoadedDescriptor> found = new ArrayList<>();
    try (InputStream raw = new BufferedInputStream(Files.newInputStream(tarball));
        InputStream gzip = openGzip(raw, name);
        TarArchiveInputStream tar = new TarArchiveInputStream(gzip)) {
      TarArchiveEntry entry;
      int entries = 0;
      while ((entry = tar.getNextEntry()) != null) {
        if (++entries > MAX_TAR_ENTRIES) {
          throw new InvalidInputException(
              Problem.ofFile(name, "package holds more than " + MAX_TAR_ENTRIES + " entries"));
        }
        if (!entry.isFile() || !isDescriptorEntry(entry.getName())) {
          continue;
        }
        String source = name + "!/" + entry.getName();
        if (entry.getSize() > LocatedYamlReader.MAX_BYTES) {
          throw new InvalidInputException(LocatedYamlReader.tooLarge(source, entry.getSize()));
        }
        LoadedDescriptor descriptor = readDescriptor(tarball, source, tar.readAllBytes());
        if (descriptor != null) {
          found.add(descriptor);
        }
      }
    } catch (IOException e) {
      throw new InvalidInputException(
          Problem.ofFile(name, "not a readable tar archive: " + e.getMessage()));
    }
    if (found.isEmpty()) {
      throw new InvalidInputException(
          Problem.ofFile(
              name, "not an OSM package: no NSD or VNFD YAML in its top folder or Definitions/"));
    }
    return found;
  }

  private static InputStream openGzip(InputStream raw, String name)
      throws IOException, InvalidInputException {
    raw.mark(2);
    int b1 = raw.read();
    int b2 = raw.read();
    raw.reset();
    if (b1 != 0x1f || b2 != 0x8b) {
      throw new InvalidInputException(
          Problem.ofFile(name, "not an OSM package: not a gzip-compressed tar archive"));
    }
    return new GzipCompressorInputStream(raw);
  }

  /** Descriptor files sit in the package's top folder, or in its Definitions/ folder. */
  private static boolean isDescriptorEntry(String entryName) {
    String normalized = entryName.startsWith("./") ? entryName.substring(2) : entryName;
    String[] parts = normalized.split("/");
    String file = parts[parts.length - 1].toLowerCase(Locale.ROOT);
    if (!(file.endsWith(".yaml") || file.endsWith(".yml"))) {
      return false;
    }
    return parts.length == 2 || (parts.length == 3 && parts[1].equals("Definitions"));
  }

  /**
   * Parses one candidate file; null when it is YAML but not a descriptor (a README-like file at a
   * package root).
   */
  private static LoadedDescriptor readDescriptor(Path origin, String source, byte[] bytes)
      throws InvalidInputException {
    LocatedDocument document = LocatedYamlReader.read(source, bytes);
    JsonNode root = document.root();
    if (!root.isObject()) {
      return null;
    }
    for (String key : OLD_IM_KEYS) {
      if (root.has(key)) {
        throw new InvalidInputException(
            document.problemAt(
                JsonPaths.field("$", key),
                "old OSM information model ('"
                    + key
                    + "'); use the SOL006 form (top-level 'nsd' or 'vnfd'), as OSM since release 9"));
      }
    }
    boolean nsd = root.has(DescriptorKind.NSD.key());
    boolean vnfd = root.has(DescriptorKind.VNFD.key());
    if (nsd && vnfd) {
      throw new InvalidInputException(
          document.problemAt("$", "a descriptor file holds either 'nsd' or 'vnfd', not both"));
    }
    if (!nsd && !vnfd) {
      return null;
    }
    return new LoadedDescriptor(document, nsd ? DescriptorKind.NSD : DescriptorKind.VNFD, origin);
  }

  private static byte[] readBytes(Path file) throws InvalidInputException {
    try {
      long size = Files.size(file);
      if (size > LocatedYamlReader.MAX_BYTES) {
        throw new InvalidInputException(LocatedYamlReader.tooLarge(file.toString(), size));
      }
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new InvalidInputException(
          Problem.ofFile(file.toString(), "cannot read: " + e.getMessage()));
    }
  }
}
