package io.eventgateway.r2dbc.sqlite;

import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Predicate;

import io.r2dbc.spi.R2dbcException;
import io.r2dbc.spi.Result;
import io.r2dbc.spi.Row;
import io.r2dbc.spi.RowMetadata;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * One result: an update count, rows (buffered or streamed from an open cursor), or an error {@link Message}.
 *
 * <p>{@link #map} and {@link #getRowsUpdated()} turn an error message into an error signal; {@link #flatMap} hands
 * it to the caller as a segment. A streamed result can be consumed once; cancelling it closes the cursor.
 */
final class SqliteResult implements Result {

    private final Flux<Segment> segments;

    private final long updateCount;

    private SqliteResult(Flux<Segment> segments, long updateCount) {
        this.segments = segments;
        this.updateCount = updateCount;
    }

    static SqliteResult updateCount(long count) {
        return new SqliteResult(Flux.just(new Count(count)), count);
    }

    static SqliteResult rows(List<Segment> rows) {
        return new SqliteResult(Flux.fromIterable(rows), -1);
    }

    static SqliteResult stream(Flux<Segment> rows) {
        return new SqliteResult(rows, -1);
    }

    static SqliteResult error(R2dbcException e) {
        return new SqliteResult(Flux.just(new ErrorMessage(e)), -1);
    }

    @Override
    public Mono<Long> getRowsUpdated() {
        if (this.updateCount >= 0) {
            // The hot path of batched inserts: one count, no segment pipeline.
            return Mono.just(this.updateCount);
        }
        return this.segments.<Long>handle((segment, sink) -> {
            if (segment instanceof UpdateCount c) {
                sink.next(c.value());
            } else if (segment instanceof Message m) {
                sink.error(m.exception());
            }
        }).reduce(Long::sum);
    }

    @Override
    public <T> Flux<T> map(BiFunction<Row, RowMetadata, ? extends T> mappingFunction) {
        return this.segments.handle((segment, sink) -> {
            if (segment instanceof RowSegment r) {
                T value = mappingFunction.apply(r.row(), r.row().getMetadata());
                if (value == null) {
                    sink.error(new IllegalStateException("the mapping function returned null"));
                } else {
                    sink.next(value);
                }
            } else if (segment instanceof Message m) {
                sink.error(m.exception());
            }
        });
    }

    @Override
    public <T> Flux<T> map(Function<? super io.r2dbc.spi.Readable, ? extends T> mappingFunction) {
        return map((row, metadata) -> mappingFunction.apply(row));
    }

    @Override
    public Result filter(Predicate<Segment> filter) {
        return new SqliteResult(this.segments.filter(filter), -1);
    }

    @Override
    public <T> Flux<T> flatMap(Function<Segment, ? extends Publisher<? extends T>> mappingFunction) {
        return this.segments.concatMap(mappingFunction);
    }

    @Override
    public String toString() {
        return this.updateCount >= 0 ? "SqliteResult{updateCount=" + this.updateCount + "}" : "SqliteResult{rows}";
    }

    record Count(long value) implements UpdateCount {
    }

    record RowSegmentImpl(Row row) implements RowSegment {
    }

    record ErrorMessage(R2dbcException exception) implements Message {

        @Override
        public int errorCode() {
            return this.exception.getErrorCode();
        }

        @Override
        public String sqlState() {
            return this.exception.getSqlState() == null ? "" : this.exception.getSqlState();
        }

        @Override
        public String message() {
            return String.valueOf(this.exception.getMessage());
        }
    }
}
