package io.eventgateway.log;

import io.r2dbc.spi.Readable;
import java.util.function.Function;
import reactor.core.publisher.Flux;

/**
 * An optional capability of an {@link EventLog} that keeps state tables beside its events (the durable log): their
 * rows can be read, so state written through {@link EventLog#transact} is loaded again at start. The in-memory log
 * has no such tables, and does not implement it.
 */
public interface StateStore {

    /**
     * Runs a query on the store's reader connection.
     *
     * @param sql the query, with positional {@code ?} parameters
     * @param mapper turns a row into a value; runs on the store's thread
     * @param binds the parameters, none null
     * @param <T> the value's type
     * @return the rows' values in the query's order; honours back-pressure and cancellation
     */
    <T> Flux<T> load(String sql, Function<Readable, T> mapper, Object... binds);
}
