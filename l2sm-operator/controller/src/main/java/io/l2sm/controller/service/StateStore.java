package io.l2sm.controller.service;

import io.l2sm.controller.model.DesiredState;

/**
 * Where the controller keeps its desired state across restarts: it saves every change before the
 * change is acknowledged, and loads it once at start. {@link FileStateStore} keeps it in a file.
 */
public interface StateStore {
  /** The state saved last; {@link DesiredState#empty()} when nothing was ever saved. */
  DesiredState load();

  /** Keeps {@code state} as the one {@link #load()} gives from now on, whole or not at all. */
  void save(DesiredState state);
}
