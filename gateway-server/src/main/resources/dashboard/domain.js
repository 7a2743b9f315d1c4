// The dashboard's model of the orchestration domain (PROTOCOL.md sections 8 and 9), kept apart from the DOM so
// it can be tested in Node. A snapshot from the REST state routes seeds it; events then update it. Every update
// sets values rather than adding to them, so an event that the snapshot already reflects (the dashboard replays
// from the snapshot's seq) changes nothing.

/** Task statuses in the order the board shows them. */
export const STATUSES = ['pending', 'in_progress', 'blocked', 'completed', 'failed', 'cancelled'];

const MAX_AGENT_ACTIVITY = 50;
const MAX_CHECKPOINTS = 50;

/** @returns {object} an empty model */
export function createModel() {
  return {
    tasks: new Map(),        // taskId -> {id, title, status, streamId, assignedAgent, updatedAt}
    streams: new Map(),      // streamId -> {streamId, streamName, totalTasks, completedTasks, inProgressTasks,
                             //              blockedTasks, progressPercentage, blockedTaskIds, completed, duration}
    checkpoints: new Map(),  // checkpointId -> {id, taskId, sequence, trigger, state, expiresAt, createdAt}
    agents: [],              // newest first: {agentId, kind, text, at, seq}
    lastSeq: 0,
  };
}

/**
 * Seeds the model from the REST state routes.
 *
 * @param {object} model the model
 * @param {{tasks?: object[], streams?: object[], checkpoints?: object[], seq?: number}} snapshot their answers
 */
export function applySnapshot(model, snapshot) {
  for (const task of snapshot.tasks ?? []) {
    model.tasks.set(task.id, pickTask(task));
  }
  for (const stream of snapshot.streams ?? []) {
    const id = stream.streamId ?? stream.id;
    model.streams.set(id, { ...emptyStream(id), ...pickStream(stream) });
  }
  for (const checkpoint of snapshot.checkpoints ?? []) {
    model.checkpoints.set(checkpoint.id, {
      id: checkpoint.id,
      taskId: checkpoint.taskId,
      sequence: checkpoint.sequence,
      trigger: checkpoint.trigger,
      state: checkpoint.resumedAt ? 'resumed' : (checkpoint.expired ? 'expired' : 'open'),
      expiresAt: checkpoint.expiresAt ?? null,
      createdAt: checkpoint.createdAt,
    });
  }
  trimCheckpoints(model);
  if (typeof snapshot.seq === 'number') {
    model.lastSeq = Math.max(model.lastSeq, snapshot.seq);
  }
}

/**
 * Applies one event (the `payload` of an `event` frame).
 *
 * @param {object} model the model
 * @param {{seq: number, topic: string, eventType: string, data: object, timestamp?: string}} event the event
 * @returns {boolean} whether the domain view changed
 */
export function applyEvent(model, event) {
  const data = event.data ?? {};
  const type = event.eventType;
  if (event.seq > model.lastSeq) {
    model.lastSeq = event.seq;
  }
  if (type.startsWith('task.')) {
    const id = data.taskId ?? event.topic.slice('task:'.length);
    const task = model.tasks.get(id) ?? { id, title: id, status: 'pending', streamId: null, assignedAgent: null };
    if (data.taskTitle !== undefined || data.title !== undefined) {
      task.title = data.taskTitle ?? data.title;
    }
    if (data.newStatus !== undefined) {
      task.status = data.newStatus;
    } else if (data.status !== undefined) {
      task.status = data.status;
    } else if (type === 'task.completed') {
      task.status = 'completed';
    } else if (type === 'task.blocked') {
      task.status = 'blocked';
    }
    if (data.streamId !== undefined) {
      task.streamId = data.streamId;
    }
    if (data.assignedAgent !== undefined) {
      task.assignedAgent = data.assignedAgent;
    }
    for (const change of data.changes ?? []) {
      if (['title', 'status', 'streamId', 'assignedAgent', 'progress'].includes(change.field)) {
        task[change.field] = change.newValue;
      }
    }
    task.updatedAt = data.updatedAt ?? data.statusChangedAt ?? event.timestamp ?? task.updatedAt;
    model.tasks.set(id, task);
    return true;
  }
  if (type.startsWith('stream.')) {
    const id = data.streamId ?? event.topic.slice('stream:'.length);
    const stream = model.streams.get(id) ?? emptyStream(id);
    Object.assign(stream, pickStream(data));
    if (type === 'stream.blocked') {
      stream.blockedTaskIds = data.blockedTaskIds ?? [];
      stream.blockedReason = data.blockedReason ?? '';
    }
    if (type === 'stream.completed') {
      stream.completed = true;
      stream.duration = data.duration ?? null;
      stream.progressPercentage = 100;
    } else if (type === 'stream.progress' && (data.progressPercentage ?? 0) < 100) {
      stream.completed = false;
    }
    if (type === 'stream.progress' && (data.blockedTasks ?? 0) === 0) {
      stream.blockedTaskIds = [];
    }
    model.streams.set(id, stream);
    return true;
  }
  if (type.startsWith('checkpoint.')) {
    const id = data.checkpointId ?? data.id;
    if (!id) {
      return false;
    }
    const checkpoint = model.checkpoints.get(id) ?? { id, taskId: data.taskId, sequence: data.sequence,
      trigger: data.trigger, state: 'open', expiresAt: data.expiresAt ?? null, createdAt: data.createdAt };
    if (type === 'checkpoint.resumed') {
      checkpoint.state = 'resumed';
    } else if (type === 'checkpoint.expired') {
      checkpoint.state = 'expired';
    }
    model.checkpoints.set(id, checkpoint);
    trimCheckpoints(model);
    return true;
  }
  if (type.startsWith('agent.')) {
    if (model.agents.some((a) => a.seq === event.seq)) {
      return false;
    }
    const kind = type.slice('agent.'.length);
    const text = kind === 'handoff'
      ? `${data.fromAgent} → ${data.toAgent} (task ${data.taskId}, ${data.chainPosition}/${data.chainLength})`
      : (data.activityDescription ?? data.phase ?? data.taskId ?? '');
    const agentId = kind === 'handoff' ? data.fromAgent : (data.agentId ?? event.topic.slice('agent:'.length));
    model.agents.unshift({ agentId, kind, text, at: event.timestamp, seq: event.seq });
    model.agents.sort((a, b) => b.seq - a.seq);
    model.agents.length = Math.min(model.agents.length, MAX_AGENT_ACTIVITY);
    return true;
  }
  return false;
}

/**
 * Counts tasks by status.
 *
 * @param {object} model the model
 * @returns {Record<string, number>} a count for every status
 */
export function tasksByStatus(model) {
  const counts = Object.fromEntries(STATUSES.map((s) => [s, 0]));
  for (const task of model.tasks.values()) {
    counts[task.status] = (counts[task.status] ?? 0) + 1;
  }
  return counts;
}

/**
 * The entity of a topic: the part before the first colon (`task:T-1` → `task`).
 *
 * @param {string} topic the topic
 * @returns {string} the entity
 */
export function entityOf(topic) {
  const colon = topic.indexOf(':');
  return colon < 0 ? topic : topic.slice(0, colon);
}

/**
 * Events per second per entity over a sliding window of whole seconds, for the rate chart.
 */
export class RateWindow {
  /** @param {number} seconds how many seconds the window keeps */
  constructor(seconds = 60) {
    this.seconds = seconds;
    this.buckets = new Map(); // entity -> Array(seconds) of counts
    this.current = null;      // the second (epoch) of the newest bucket
  }

  /**
   * Counts one event.
   *
   * @param {string} entity the event's entity
   * @param {number} nowMs the time, in ms
   */
  add(entity, nowMs) {
    this.advance(nowMs);
    let counts = this.buckets.get(entity);
    if (!counts) {
      counts = new Array(this.seconds).fill(0);
      this.buckets.set(entity, counts);
    }
    counts[counts.length - 1] += 1;
  }

  /**
   * Moves the window to the given time, shifting in empty seconds.
   *
   * @param {number} nowMs the time, in ms
   */
  advance(nowMs) {
    const second = Math.floor(nowMs / 1000);
    if (this.current === null) {
      this.current = second;
      return;
    }
    const shift = Math.min(second - this.current, this.seconds);
    if (shift <= 0) {
      return;
    }
    for (const counts of this.buckets.values()) {
      counts.splice(0, shift);
      for (let i = 0; i < shift; i++) {
        counts.push(0);
      }
    }
    this.current = second;
  }

  /** @returns {Array<[string, number[]]>} entities with their counts, busiest first */
  series() {
    const total = (counts) => counts.reduce((a, b) => a + b, 0);
    return [...this.buckets.entries()].sort((a, b) => total(b[1]) - total(a[1]));
  }
}

function emptyStream(id) {
  return { streamId: id, streamName: id, totalTasks: 0, completedTasks: 0, inProgressTasks: 0, blockedTasks: 0,
    progressPercentage: 0, blockedTaskIds: [], blockedReason: '', completed: false, duration: null };
}

function pickStream(source) {
  const picked = {};
  for (const key of ['streamName', 'totalTasks', 'completedTasks', 'inProgressTasks', 'blockedTasks',
    'progressPercentage']) {
    if (source[key] !== undefined) {
      picked[key] = source[key];
    }
  }
  if (source.streamId !== undefined) {
    picked.streamId = source.streamId;
  }
  return picked;
}

function pickTask(task) {
  return { id: task.id, title: task.title, status: task.status, streamId: task.streamId ?? null,
    assignedAgent: task.assignedAgent ?? null, updatedAt: task.updatedAt };
}

function trimCheckpoints(model) {
  while (model.checkpoints.size > MAX_CHECKPOINTS) {
    const oldest = model.checkpoints.keys().next().value;
    model.checkpoints.delete(oldest);
  }
}
