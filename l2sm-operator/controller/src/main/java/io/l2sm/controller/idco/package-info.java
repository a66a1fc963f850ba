/**
 * The inter-domain orchestrator's REST API (bearer tokens) that edge devices and operators of
 * joined clusters call.
 */
package io.l2sm.controller.idco;
