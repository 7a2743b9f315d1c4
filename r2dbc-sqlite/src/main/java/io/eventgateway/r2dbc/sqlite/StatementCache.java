package io.eventgateway.r2dbc.sqlite;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An LRU of prepared statements, confined to the connection thread. A statement is taken out while in use (an open
 * cursor may hold it for long) and put back afterwards, so two users never share one.
 */
final class StatementCache {

    private final Connection jdbc;

    private final int capacity;

    private final LinkedHashMap<String, PreparedStatement> cache = new LinkedHashMap<>(16, 0.75f, true);

    StatementCache(Connection jdbc, int capacity) {
        this.jdbc = jdbc;
        this.capacity = capacity;
    }

    PreparedStatement acquire(String sql) throws SQLException {
        PreparedStatement ps = this.cache.remove(sql);
        return ps != null ? ps : this.jdbc.prepareStatement(sql);
    }

    void release(String sql, PreparedStatement ps, boolean cacheable) {
        try {
            if (!cacheable || this.capacity == 0 || ps.isClosed()) {
                ps.close();
                return;
            }
            ps.clearParameters();
            PreparedStatement previous = this.cache.put(sql, ps);
            if (previous != null && previous != ps) {
                previous.close();
            }
            if (this.cache.size() > this.capacity) {
                Iterator<Map.Entry<String, PreparedStatement>> eldest = this.cache.entrySet().iterator();
                PreparedStatement evicted = eldest.next().getValue();
                eldest.remove();
                evicted.close();
            }
        } catch (SQLException e) {
            // A statement that cannot be reset is dropped; the next use prepares a fresh one.
            this.cache.remove(sql);
        }
    }

    void closeAll() {
        for (PreparedStatement ps : new ArrayList<>(this.cache.values())) {
            try {
                ps.close();
            } catch (SQLException ignored) {
                // closing anyway
            }
        }
        this.cache.clear();
    }
}
