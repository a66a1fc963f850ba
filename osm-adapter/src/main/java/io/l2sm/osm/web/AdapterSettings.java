package io.l2sm.osm.web;

/**
 * Limits of the adapter's HTTP API.
 *
 * @param maxBodyBytes the largest accepted request body (413 above)
 */
public record AdapterSettings(int maxBodyBytes) {}
