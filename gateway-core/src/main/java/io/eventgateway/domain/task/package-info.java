/**
 * Tasks (PROTOCOL.md section 8): create, update, read and list, with the {@code task.*} events of section 9.
 * A task's changes are also handed to a {@link io.eventgateway.domain.task.TaskObserver} (the streams), inside the
 * same plan, so a stream's progress changes in the same transaction as its task.
 */
@NullMarked
package io.eventgateway.domain.task;

import org.jspecify.annotations.NullMarked;
