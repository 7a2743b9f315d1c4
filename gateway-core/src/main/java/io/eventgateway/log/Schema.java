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

    private static final List<List<String>> MIGRATIONS = List.of(EVENT_LOG);

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
