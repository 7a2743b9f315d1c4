/**
 * Checkpoints (PROTOCOL.md section 8): saved points of a task's execution, numbered per task, resumed at most once,
 * and expired by a timer when their {@code expiresAt} passes, with the {@code checkpoint.*} events of section 9.
 */
@NullMarked
package io.eventgateway.domain.checkpoint;

import org.jspecify.annotations.NullMarked;
