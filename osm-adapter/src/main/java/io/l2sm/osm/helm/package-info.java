/**
 * Runs the {@code helm} program: a timeout on every call, Helm's own error as the failure's
 * message.
 */
package io.l2sm.osm.helm;
