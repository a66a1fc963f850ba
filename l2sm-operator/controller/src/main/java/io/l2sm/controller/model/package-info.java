/**
 * The desired state as plain immutable values: networks, attachments, switches, links, mirrors,
 * address ranges. No transport, no OpenFlow, no service.
 */
package io.l2sm.controller.model;
