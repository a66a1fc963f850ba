/**
 * The pure flow compiler: from the desired state to each switch's program (tables, per-network
 * trees, mirrors, meters). No transport, no service.
 */
package io.l2sm.controller.flow;
