/**
 * OSM SOL006 descriptors to L2S-M networks, as pure steps: load (files, package folders, tarballs;
 * every value placed by line and column), resolve and validate against the schema, translate into a
 * {@link io.l2sm.translator.plan.Plan} collecting every problem, render deterministically, write
 * atomically. No network, no processes.
 */
package io.l2sm.translator;
