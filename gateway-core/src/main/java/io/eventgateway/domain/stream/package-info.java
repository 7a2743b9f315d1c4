/**
 * Streams (PROTOCOL.md section 8): a named group of tasks whose progress is derived from its tasks' statuses, kept
 * up to date inside every task change's plan, with the {@code stream.*} events of section 9.
 */
@NullMarked
package io.eventgateway.domain.stream;

import org.jspecify.annotations.NullMarked;
