/**
 * The controller's service: validates and applies changes to the desired state, persists it, and
 * brings each switch to its compiled program by difference.
 */
package io.l2sm.controller.service;
