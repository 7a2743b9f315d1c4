/**
 * The limits of PROTOCOL.md section 6 that are not part of a session's pipeline: the per-connection token
 * bucket, the {@code Host} check against DNS rebinding and the {@code Origin} check of the upgrade.
 */
@NullMarked
package io.eventgateway.server.limit;

import org.jspecify.annotations.NullMarked;
