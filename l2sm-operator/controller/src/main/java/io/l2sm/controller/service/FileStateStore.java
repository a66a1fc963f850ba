package io.l2sm.controller.service;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.l2sm.controller.model.AttachmentState;
import io.l2sm.controller.model.DesiredState;
import io.l2sm.controller.model.Link;
import io.l2sm.controller.model.MirrorState;
import io.l2sm.controller.model.NetworkState;
import io.l2sm.controller.model.SwitchState;
import io.l2sm.files.AtomicFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Keeps the controller's desired state in one JSON file, replaced atomically on every change, so a
 * restarted controller (even after {@code kill -9}) knows exactly what the switches should hold and
 * reconciles them by difference instead of wiping them.
 */
public final class FileStateStore implements StateStore {
  static final String FILE = "controller-state.json";
  private static final ObjectMapper JSON =
      new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  private final Path file;

  /** The file's shape: lists, so it reads well and diffs well. */
  record Snapshot(
      int version,
      List<NetworkState> networks,
      List<AttachmentState> attachments,
      List<SwitchState> switches,
      List<String> disabledLinks,
      List<MirrorState> mirrors) {}

  public FileStateStore(Path dir) {
    this.file = dir.resolve(FILE);
  }

  public Path file() {
    return file;
  }

  @Override
  public DesiredState load() {
    if (!Files.exists(file)) {
      return DesiredState.empty();
    }
    try {
      Snapshot s = JSON.readValue(file.toFile(), Snapshot.class);
      return DesiredState.of(
          byKey(s.networks(), NetworkState::name),
          byKey(s.attachments(), AttachmentState::id),
          byKey(s.switches(), SwitchState::node),
          s.disabledLinks() == null
              ? java.util.Set.of()
              : s.disabledLinks().stream().map(Link::parse).collect(Collectors.toSet()),
          byKey(s.mirrors(), MirrorState::source));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read controller state " + file + ": " + e, e);
    }
  }

  private static <T> Map<String, T> byKey(List<T> items, Function<T, String> key) {
    return items == null
        ? Map.of()
        : items.stream().collect(Collectors.toMap(key, Function.identity()));
  }

  @Override
  public void save(DesiredState s) {
    Snapshot snap =
        new Snapshot(
            1,
            List.copyOf(s.networks().values()),
            List.copyOf(s.attachments().values()),
            List.copyOf(s.switches().values()),
            new TreeSet<>(s.disabledLinks()).stream().map(Link::toString).toList(),
            List.copyOf(s.mirrors().values()));
    try {
      AtomicFiles.replace(
          file,
          JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(snap),
          null,
          AtomicFiles.Durability.MACHINE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write controller state " + file + ": " + e, e);
    }
  }
}
