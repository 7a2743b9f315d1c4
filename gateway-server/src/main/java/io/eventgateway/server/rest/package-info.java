/**
 * HTTP: the router (with the {@code Host} check every request passes), {@code POST} and {@code GET /api/events},
 * {@code /health}, {@code /api/status}, {@code /metrics}, the dashboard page, and the one place that turns
 * failures into JSON error bodies with their HTTP status (PROTOCOL.md section 8).
 */
@NullMarked
package io.eventgateway.server.rest;

import org.jspecify.annotations.NullMarked;
