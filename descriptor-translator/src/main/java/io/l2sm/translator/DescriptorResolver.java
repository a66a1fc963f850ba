package io.l2sm.translator;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.l2sm.translator.model.DescriptorDocument;
import io.l2sm.translator.model.NsDf;
import io.l2sm.translator.model.VnfProfile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Finds the NSD and the VNFDs it needs, validates each against the schema and binds them to the
 * generated model.
 *
 * <p>The NSD may be a descriptor file, a package folder, a package tarball, or a folder of packages
 * side by side (as osm-packages lays them out) holding exactly one NS package. VNFDs come from
 * {@code --vnfd} first; any the NSD names that are still missing are looked for next to the NS
 * package: in the folder that holds it, and beside a descriptor file given alone.
 */
public final class DescriptorResolver {
  private static final ObjectMapper BINDER =
      new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  private DescriptorResolver() {}

  /**
   * Loads and validates the NSD at {@code nsdPath} and the VNFDs it needs.
   *
   * @param vnfdPaths VNFDs named explicitly; empty to rely on the search next to the NSD
   * @throws InvalidInputException with every load and schema problem found, across all files
   */
  public static DescriptorSet resolve(Path nsdPath, List<Path> vnfdPaths)
      throws InvalidInputException {
    List<Problem> problems = new ArrayList<>();
    List<LoadedDescriptor> nsCandidates = new ArrayList<>();
    List<Path> searchRoots = loadNsSide(nsdPath, nsCandidates, problems);
    if (!problems.isEmpty()) {
      throw new InvalidInputException(problems);
    }
    List<LoadedDescriptor> nsds =
        nsCandidates.stream().filter(d -> d.kind() == DescriptorKind.NSD).toList();
    if (nsds.isEmpty()) {
      throw new InvalidInputException(
          Problem.ofFile(
              nsdPath.toString(),
              "expected an NS descriptor (top-level 'nsd'), found only VNF descriptors"));
    }
    if (nsds.size() > 1) {
      throw new InvalidInputException(
          Problem.ofFile(
              nsdPath.toString(),
              "holds "
                  + nsds.size()
                  + " NS descriptors ("
                  + String.join(", ", nsds.stream().map(d -> d.document().source()).toList())
                  + "); name one of them"));
    }
    NsdInput nsd = bindNsd(nsds.get(0).document(), problems);

    Map<String, LoadedDescriptor> available = new LinkedHashMap<>();
    addVnfds(nsCandidates, available, problems);
    for (Path path : vnfdPaths) {
      try {
        List<LoadedDescriptor> loaded = DescriptorLoader.load(path);
        if (loaded.stream().noneMatch(d -> d.kind() == DescriptorKind.VNFD)) {
          problems.add(
              Problem.ofFile(
                  path.toString(),
                  "--vnfd expects a VNF descriptor (top-level 'vnfd'), found an NS descriptor"));
        }
        addVnfds(loaded, available, problems);
      } catch (InvalidInputException e) {
        problems.addAll(e.problems());
      }
    }

    List<String> searched = new ArrayList<>();
    Set<String> missing = new LinkedHashSet<>(neededVnfdIds(nsd));
    missing.removeAll(available.keySet());
    for (Path root : searchRoots) {
      if (missing.isEmpty()) {
        break;
      }
      searched.add(root.toString());
      searchSiblings(root, loadedOrigins(nsCandidates), missing, available, problems);
    }

    Map<String, VnfdInput> vnfds = new LinkedHashMap<>();
    for (Map.Entry<String, LoadedDescriptor> entry : available.entrySet()) {
      VnfdInput vnfd = bindVnfd(entry.getValue().document(), problems);
      if (vnfd != null) {
        vnfds.put(entry.getKey(), vnfd);
      }
    }
    if (!problems.isEmpty()) {
      throw new InvalidInputException(problems);
    }
    return new DescriptorSet(nsd, vnfds, List.copyOf(searched));
  }

  /** Loads what the NSD argument names; returns the folders to search for VNFDs in. */
  private static List<Path> loadNsSide(
      Path nsdPath, List<LoadedDescriptor> out, List<Problem> problems) {
    Path absolute = nsdPath.toAbsolutePath().normalize();
    try {
      if (Files.isDirectory(nsdPath) && !DescriptorLoader.isPackageFolder(nsdPath)) {
        // A folder of packages: every package in it is input.
        for (Path child : packageCandidates(nsdPath)) {
          try {
            out.addAll(DescriptorLoader.loadIfDescriptor(child));
          } catch (InvalidInputException e) {
            problems.addAll(e.problems());
          }
        }
        if (out.isEmpty() && problems.isEmpty()) {
          problems.add(
              Problem.ofFile(
                  nsdPath.toString(),
                  "no OSM package here: no descriptor at its root and no package folders,"
                      + " tarballs or descriptor files inside"));
        }
        // Its packages are all loaded already; naming it keeps "where we looked" in messages.
        return List.of(nsdPath);
      }
      out.addAll(DescriptorLoader.load(nsdPath));
    } catch (InvalidInputException e) {
      problems.addAll(e.problems());
      return List.of();
    }
    // A package's neighbours sit in its parent folder; a file given alone may have its VNFDs
    // beside it, or beside the package folder that holds it.
    List<Path> roots = new ArrayList<>();
    Path parent = absolute.getParent();
    if (parent != null) {
      roots.add(relativeLike(nsdPath, parent));
      if (Files.isRegularFile(nsdPath) && !DescriptorLoader.isTarball(nsdPath)) {
        Path grandparent = parent.getParent();
        if (grandparent != null) {
          roots.add(relativeLike(nsdPath, grandparent));
        }
      }
    }
    return roots;
  }

  /** Keeps paths in the form the user typed them (relative stays relative) for messages. */
  private static Path relativeLike(Path typed, Path absolute) {
    if (typed.isAbsolute()) {
      return absolute;
    }
    Path cwd = Path.of("").toAbsolutePath();
    Path relative = cwd.relativize(absolute);
    return relative.toString().isEmpty() ? Path.of(".") : relative;
  }

  private static List<Path> packageCandidates(Path folder) {
    try (Stream<Path> children = Files.list(folder)) {
      return children
          .filter(
              p ->
                  Files.isDirectory(p)
                      || DescriptorLoader.isTarball(p)
                      || (Files.isRegularFile(p) && DescriptorLoader.isYaml(p)))
          .sorted()
          .toList();
    } catch (IOException e) {
      return List.of();
    }
  }

  /**
   * Looks for missing VNFDs among the packages beside the NS package, reading every candidate of
   * the folder: two packages there with a VNFD id the NS needs are refused, naming both, as OSM
   * refuses a second VNFD with one id (which one is meant is for the user to say, with {@code
   * --vnfd}). Candidates that fail to load are passed over: the folder may hold unrelated or broken
   * packages, and a VNFD that stays missing is reported by the reference check.
   */
  private static void searchSiblings(
      Path root,
      Set<Path> alreadyLoaded,
      Set<String> missing,
      Map<String, LoadedDescriptor> available,
      List<Problem> problems) {
    Set<String> wanted = Set.copyOf(missing);
    Map<String, LoadedDescriptor> found = new LinkedHashMap<>();
    for (Path candidate : packageCandidates(root)) {
      if (alreadyLoaded.contains(candidate.toAbsolutePath().normalize())) {
        continue;
      }
      try {
        for (LoadedDescriptor d : DescriptorLoader.loadIfDescriptor(candidate)) {
          String id = d.document().root().path("vnfd").path("id").asText("");
          if (d.kind() != DescriptorKind.VNFD || !wanted.contains(id)) {
            continue;
          }
          LoadedDescriptor first = found.putIfAbsent(id, d);
          if (first != null) {
            problems.add(
                d.document()
                    .problemAt(
                        "$.vnfd.id",
                        "VNFD id '"
                            + id
                            + "' is also in "
                            + first.document().source()
                            + ", beside it on the search path; OSM refuses a second VNFD with"
                            + " one id: remove one, or name the one meant with --vnfd"));
          }
        }
      } catch (InvalidInputException e) {
        // not a usable package; see the method comment
      }
    }
    found.forEach(
        (id, d) -> {
          missing.remove(id);
          available.put(id, d);
        });
  }

  /** Where the NS side's descriptors came from, so the sibling search does not read them again. */
  private static Set<Path> loadedOrigins(List<LoadedDescriptor> loaded) {
    Set<Path> origins = new HashSet<>();
    loaded.forEach(d -> origins.add(d.origin().toAbsolutePath().normalize()));
    return origins;
  }

  private static void addVnfds(
      List<LoadedDescriptor> loaded, Map<String, LoadedDescriptor> into, List<Problem> problems) {
    for (LoadedDescriptor d : loaded) {
      if (d.kind() != DescriptorKind.VNFD) {
        continue;
      }
      String id = d.document().root().path("vnfd").path("id").asText("");
      LoadedDescriptor previous = into.get(id);
      if (previous != null && !id.isEmpty()) {
        problems.add(
            d.document()
                .problemAt(
                    "$.vnfd.id",
                    "duplicate VNFD id '"
                        + id
                        + "' (also in "
                        + previous.document().source()
                        + ")"));
        continue;
      }
      into.put(id, d);
    }
  }

  private static Set<String> neededVnfdIds(NsdInput nsd) {
    Set<String> ids = new LinkedHashSet<>();
    if (nsd == null) {
      return ids;
    }
    for (NsDf df : nsd.nsd().getDf()) {
      for (VnfProfile profile : df.getVnfProfile()) {
        ids.add(profile.getVnfdId());
      }
    }
    return ids;
  }

  private static NsdInput bindNsd(LocatedDocument document, List<Problem> problems) {
    DescriptorDocument bound = validateAndBind(document, problems);
    if (bound == null) {
      return null;
    }
    if (bound.getNsd().getNsd().size() > 1) {
      problems.add(
          document.problemAt(
              "$.nsd.nsd[1]",
              "this file holds "
                  + bound.getNsd().getNsd().size()
                  + " NSDs; an OSM NS package holds one"));
      return null;
    }
    return new NsdInput(document, bound.getNsd().getNsd().get(0));
  }

  private static VnfdInput bindVnfd(LocatedDocument document, List<Problem> problems) {
    DescriptorDocument bound = validateAndBind(document, problems);
    return bound == null ? null : new VnfdInput(document, bound.getVnfd());
  }

  private static DescriptorDocument validateAndBind(
      LocatedDocument document, List<Problem> problems) {
    List<Problem> schemaProblems = DescriptorSchema.validate(document);
    if (!schemaProblems.isEmpty()) {
      problems.addAll(schemaProblems);
      return null;
    }
    try {
      return BINDER.treeToValue(document.root(), DescriptorDocument.class);
    } catch (IOException e) {
      problems.add(document.problemAt("$", "cannot bind descriptor: " + e.getMessage()));
      return null;
    }
  }
}
