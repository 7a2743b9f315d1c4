package io.eventgateway.log;

import java.util.List;

/**
 * The store's versioned schema: migration {@code n} takes a database from version {@code n - 1} to {@code n}.
 * {@link R2dbcEventLog} applies the missing ones at start, each in its own transaction with the row of
 * {@code schema_version} that records it, and refuses a database whose version is higher than {@link #VERSION}.
 * A released migration is never edited: a change of schema is a new one at the end.
 */
final class Schema {

    /** Version 1: the event log and its bookkeeping. */
    private static final List<String> EVENT_LOG = List.of(
        "CREATE TABLE IF NOT EXISTS events (seq INTEGER PRIMARY KEY, topic TEXT NOT NULL, event_type TEXT NOT NULL,"
            + " ts INTEGER NOT NULL, data TEXT NOT NULL, idempotency_key TEXT)",
        "CREATE INDEX IF NOT EXISTS events_topic_seq ON events (topic, seq)",
        "CREATE INDEX IF NOT EXISTS events_ts ON events (ts)",
        "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL)",
        "INSERT OR IGNORE INTO meta (key, value) VALUES ('head_seq', 0), ('purged_through', 0)");

    /**
     * Version 2: the orchestration domain's state (issue 4), written by {@link EventLog#transact} in the same
     * transaction as its events. Times are epoch milliseconds, as {@code events.ts}; stream counts are not stored but
     * recounted from the tasks at start, so they can never disagree with them.
     */
    private static final List<String> DOMAIN_STATE = List.of(
        "CREATE TABLE streams (stream_id TEXT PRIMARY KEY, stream_name TEXT NOT NULL, created_at INTEGER NOT NULL,"
            + " started_at INTEGER, completed_at INTEGER, updated_at INTEGER NOT NULL)",
        "CREATE TABLE tasks (id TEXT PRIMARY KEY, title TEXT NOT NULL, status TEXT NOT NULL, stream_id TEXT,"
            + " assigned_agent TEXT, progress REAL NOT NULL, metadata TEXT NOT NULL, created_at INTEGER NOT NULL,"
            + " updated_at INTEGER NOT NULL)",
        "CREATE INDEX tasks_stream ON tasks (stream_id)",
        "CREATE TABLE checkpoints (id TEXT PRIMARY KEY, task_id TEXT NOT NULL, sequence INTEGER NOT NULL,"
            + " trigger TEXT NOT NULL, execution_phase TEXT, execution_step INTEGER, draft TEXT, expires_at INTEGER,"
            + " created_at INTEGER NOT NULL, resumed_at INTEGER, expired_at INTEGER, UNIQUE (task_id, sequence))",
        "CREATE TABLE agent_activity (agent_id TEXT PRIMARY KEY, agent_name TEXT, status TEXT NOT NULL,"
            + " stream_id TEXT, task_id TEXT, phase TEXT, activity_description TEXT, started_at INTEGER,"
            + " last_heartbeat_at INTEGER, completed_at INTEGER, updated_at INTEGER NOT NULL)",
        "CREATE TABLE handoffs (id TEXT PRIMARY KEY, task_id TEXT NOT NULL, from_agent TEXT NOT NULL,"
            + " to_agent TEXT NOT NULL, chain_position INTEGER NOT NULL, chain_length INTEGER NOT NULL,"
            + " handoff_context TEXT NOT NULL, work_product_id TEXT, created_at INTEGER NOT NULL)",
        "CREATE INDEX handoffs_task ON handoffs (task_id)");

    /**
     * Version 3: the events table keeps only the index a query uses. Measured with plain sqlite-jdbc on the bench's
     * rows (batches of 100, WAL, {@code synchronous=NORMAL}; docs/BENCHMARKS.md, "The events table's indexes"):
     * <ul>
     *   <li>the index on {@code (topic, seq)} served no query (history and replay read seq ranges and match topic
     *       patterns in Java) and halved the insert rate: 48,000-59,000 rows/s with it, 106,000-110,000 without;</li>
     *   <li>the index on {@code ts} made every retention delete read and unlink an index entry: a 10,000-row
     *       chunk took 35-39 ms with it and 19-23 ms without, and inserts under retention ran at 87,000-98,000
     *       rows/s against 122,000-130,000. Retention by age now reads the oldest rows in seq order (seq order is
     *       commit order, and {@code ts} the commit's time);</li>
     *   <li>the idempotency keys read at start ({@code ts} within the window) get a partial index that holds only
     *       the events published with a key, so events without one cost it nothing.</li>
     * </ul>
     */
    private static final List<String> LEANER_EVENT_INDEXES = List.of(
        "DROP INDEX IF EXISTS events_topic_seq",
        "DROP INDEX IF EXISTS events_ts",
        "CREATE INDEX IF NOT EXISTS events_keyed_ts ON events (ts) WHERE idempotency_key IS NOT NULL");

    private static final List<List<String>> MIGRATIONS = List.of(EVENT_LOG, DOMAIN_STATE, LEANER_EVENT_INDEXES);

    /** The schema version this build writes. */
    static final int VERSION = MIGRATIONS.size();

    private Schema() {
    }

    /**
     * The statements of one migration.
     *
     * @param version the version it leads to, from 1 to {@link #VERSION}
     * @return its statements, in order
     */
    static List<String> migration(int version) {
        return MIGRATIONS.get(version - 1);
    }
}
