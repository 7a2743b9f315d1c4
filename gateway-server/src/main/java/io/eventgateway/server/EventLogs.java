package io.eventgateway.server;

import io.eventgateway.log.EventLog;
import io.eventgateway.log.LogRecorder;
import io.eventgateway.server.config.StoreConfig;
import io.r2dbc.spi.ConnectionFactories;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.ConnectionFactoryOptions;
import io.eventgateway.r2dbc.sqlite.SqliteConnectionFactoryOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/** Opens the event log that {@code store.url} names, turning every failure into one line with the fix. */
final class EventLogs {

    private static final String SQLITE_PREFIX = "r2dbc:sqlite:";

    private EventLogs() {
    }

    static Mono<EventLog> open(StoreConfig store, Clock clock, Scheduler timer, LogRecorder recorder) {
        String url = store.url();
        if (url.equals(StoreConfig.MEMORY)) {
            return Mono.just(EventLog.inMemory(clock, store.retentionEvents(), store.retentionAge(),
                store.idempotencyWindow()));
        }
        if (!url.startsWith("r2dbc:")) {
            return Mono.error(new StartupException("store.url '" + url + "' is not supported: use memory: or an"
                + " R2DBC URL such as r2dbc:sqlite:./data/gateway.db", null));
        }
        return Mono.defer(() -> {
            createParentDirectory(url);
            // The short r2dbc:sqlite:PATH form has no "//", which ConnectionFactoryOptions.parse rejects: the driver
            // parses its own URLs, and discovery then finds it by driver name as for any R2DBC driver.
            ConnectionFactoryOptions options = url.startsWith(SQLITE_PREFIX)
                ? SqliteConnectionFactoryOptions.parse(url) : ConnectionFactoryOptions.parse(url);
            ConnectionFactory factory = ConnectionFactories.get(options);
            return EventLog.r2dbc(factory, clock, store.retentionEvents(), store.retentionAge(),
                store.idempotencyWindow(), timer, recorder);
        }).onErrorMap(error -> !(error instanceof StartupException), error -> new StartupException(
            "cannot open the event store " + url + ": " + reason(error) + "; fix the file or its permissions, or"
                + " choose another file with --store.url=r2dbc:sqlite:PATH", error));
    }

    /** The store's directory ({@code ./data/} by default) is created on first start. */
    private static void createParentDirectory(String url) {
        if (!url.startsWith(SQLITE_PREFIX)) {
            return;
        }
        String path = url.substring(SQLITE_PREFIX.length());
        int query = path.indexOf('?');
        if (query >= 0) {
            path = path.substring(0, query);
        }
        if (path.isEmpty() || path.startsWith(":memory:")) {
            return;
        }
        Path parent = Path.of(path).toAbsolutePath().getParent();
        if (parent == null || Files.isDirectory(parent)) {
            return;
        }
        try {
            Files.createDirectories(parent);
        } catch (IOException e) {
            throw new StartupException("cannot create the directory " + parent + " for the event store: "
                + e.getMessage() + "; create it or choose another --store.url", e);
        }
    }

    private static String reason(Throwable error) {
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root && root.getMessage() == null) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        return message.split("\n")[0];
    }
}
