/**
 * The conformance suite: its cases (connectivity, isolation with captures on live non-members,
 * lifecycle, faults, load, inter-cluster), the targets it runs them on (the lab, or any cluster
 * reached by kubeconfig) and the report. Every negative assertion has a positive control in the
 * same case.
 */
package io.l2sm.conformance;
