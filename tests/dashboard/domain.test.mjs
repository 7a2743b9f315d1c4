// The dashboard's domain model (gateway-server/src/main/resources/dashboard/domain.js), without a browser.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RateWindow, applyEvent, applySnapshot, createModel, entityOf, tasksByStatus }
  from '../../gateway-server/src/main/resources/dashboard/domain.js';

const event = (seq, topic, eventType, data) => ({ seq, topic, eventType, data, timestamp: '2026-11-23T10:00:00Z' });

test('a snapshot seeds tasks and streams, and replayed events it already reflects change nothing', () => {
  const model = createModel();
  applySnapshot(model, {
    seq: 12,
    tasks: [{ id: 'T-1', title: 'One', status: 'completed', streamId: 'S' },
      { id: 'T-2', title: 'Two', status: 'pending', streamId: 'S' }],
    streams: [{ streamId: 'S', streamName: 'Stream S', totalTasks: 2, completedTasks: 1, inProgressTasks: 0,
      blockedTasks: 0, progressPercentage: 50 }],
  });
  applyEvent(model, event(11, 'task:T-1', 'task.status_changed', { taskId: 'T-1', oldStatus: 'in_progress',
    newStatus: 'completed' }));
  applyEvent(model, event(12, 'stream:S', 'stream.progress', { streamId: 'S', streamName: 'Stream S',
    totalTasks: 2, completedTasks: 1, inProgressTasks: 0, blockedTasks: 0, progressPercentage: 50 }));

  assert.deepEqual(tasksByStatus(model), { pending: 1, in_progress: 0, blocked: 0, completed: 1, failed: 0,
    cancelled: 0 });
  assert.equal(model.streams.get('S').progressPercentage, 50);
  assert.equal(model.lastSeq, 12);
});

test('status changes, blocking and completion move a stream through its states', () => {
  const model = createModel();
  applyEvent(model, event(1, 'task:T-1', 'task.created', { taskId: 'T-1', taskTitle: 'One', status: 'pending',
    streamId: 'S' }));
  applyEvent(model, event(2, 'stream:S', 'stream.blocked', { streamId: 'S', streamName: 'S',
    blockedReason: 'waiting', blockedTaskIds: ['T-1'] }));
  assert.deepEqual(model.streams.get('S').blockedTaskIds, ['T-1']);
  applyEvent(model, event(3, 'stream:S', 'stream.progress', { streamId: 'S', totalTasks: 1, completedTasks: 1,
    inProgressTasks: 0, blockedTasks: 0, progressPercentage: 100 }));
  applyEvent(model, event(4, 'stream:S', 'stream.completed', { streamId: 'S', totalTasks: 1, duration: 1500 }));
  const stream = model.streams.get('S');
  assert.equal(stream.completed, true);
  assert.equal(stream.duration, 1500);
  assert.deepEqual(stream.blockedTaskIds, []);
});

test('task.updated applies its changes; agent activity and handoffs are listed newest first, once each', () => {
  const model = createModel();
  applyEvent(model, event(1, 'task:T-9', 'task.updated', { taskId: 'T-9', taskTitle: 'Nine', status: 'pending',
    changes: [{ field: 'assignedAgent', oldValue: null, newValue: 'agent-a' }] }));
  assert.equal(model.tasks.get('T-9').assignedAgent, 'agent-a');
  const handoff = event(2, 'agent:a', 'agent.handoff', { fromAgent: 'a', toAgent: 'b', taskId: 'T-9',
    chainPosition: 1, chainLength: 2 });
  applyEvent(model, handoff);
  applyEvent(model, { ...handoff, topic: 'agent:b' });
  applyEvent(model, event(3, 'agent:b', 'agent.started', { agentId: 'b', activityDescription: 'reviewing' }));
  assert.deepEqual(model.agents.map((a) => [a.seq, a.kind]), [[3, 'started'], [2, 'handoff']]);
  assert.match(model.agents[1].text, /a → b/);
});

test('checkpoints move from open to resumed or expired', () => {
  const model = createModel();
  applyEvent(model, event(1, 'checkpoint:T-1', 'checkpoint.created', { checkpointId: 'C-1', taskId: 'T-1',
    sequence: 1, trigger: 'manual' }));
  applyEvent(model, event(2, 'checkpoint:T-1', 'checkpoint.created', { checkpointId: 'C-2', taskId: 'T-1',
    sequence: 2, trigger: 'auto_phase' }));
  applyEvent(model, event(3, 'checkpoint:T-1', 'checkpoint.resumed', { checkpointId: 'C-1', taskId: 'T-1' }));
  applyEvent(model, event(4, 'checkpoint:T-1', 'checkpoint.expired', { checkpointId: 'C-2', taskId: 'T-1' }));
  assert.equal(model.checkpoints.get('C-1').state, 'resumed');
  assert.equal(model.checkpoints.get('C-2').state, 'expired');
});

test('the rate window counts per entity per second and shifts out old seconds', () => {
  const rates = new RateWindow(3);
  rates.add('task', 1000);
  rates.add('task', 1500);
  rates.add('bot', 1900);
  rates.add('task', 3100);
  assert.deepEqual(rates.series(), [['task', [2, 0, 1]], ['bot', [1, 0, 0]]]);
  rates.advance(10_000);
  assert.deepEqual(rates.series().map(([, counts]) => counts), [[0, 0, 0], [0, 0, 0]]);
  assert.equal(entityOf('task:T-1'), 'task');
  assert.equal(entityOf('plain'), 'plain');
});
