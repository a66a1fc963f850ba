/**
 * The controller's northbound: the gRPC API and the HTTP endpoints (health, readiness, status,
 * metrics), who may call what (authentication and access policy).
 */
package io.l2sm.controller.northbound;
