package io.l2sm.controller.model;

/** A network's kind: multipoint or point-to-point. */
public enum Kind {
  VNET,
  VLINK
}
