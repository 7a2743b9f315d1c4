package io.eventgateway.r2dbc.sqlite;

import java.nio.file.Path;

import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.pool.ConnectionPoolConfiguration;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.Result;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

final class SqlitePoolTest {

    @TempDir
    Path dir;

    @Test
    void walReadersRunWhileTheWriterHoldsATransaction() {
        SqliteConnectionFactory factory = SqliteConnectionFactory.from("r2dbc:sqlite:" + this.dir.resolve("pool.db")
            + "?transactionMode=IMMEDIATE");
        ConnectionPool pool = new ConnectionPool(ConnectionPoolConfiguration.builder(factory)
            .initialSize(4).maxSize(4).build());
        Mono<Long> count = Flux.usingWhen(pool.create(), c -> Flux.from(c.createStatement("SELECT count(*) FROM e")
            .execute()).flatMap(r -> r.map((row, md) -> row.get(0, Long.class))), Connection::close).single();

        Flux.usingWhen(pool.create(), c -> Flux.from(c.createStatement("CREATE TABLE e (seq INTEGER PRIMARY KEY, "
            + "data TEXT)").execute()).flatMap(Result::getRowsUpdated), Connection::close)
            .then()
            .then(Mono.usingWhen(pool.create(), writer -> Mono.from(writer.beginTransaction())
                .thenMany(writer.createStatement("INSERT INTO e (data) VALUES ('x')").execute())
                .flatMap(Result::getRowsUpdated)
                .then(Flux.merge(count, count, count).collectList())
                .flatMap(seen -> Mono.from(writer.commitTransaction()).thenReturn(seen)), Connection::close))
            .flatMap(seen -> count.map(after -> reactor.util.function.Tuples.of(seen, after)))
            .as(StepVerifier::create)
            .expectNextMatches(t -> t.getT1().equals(java.util.List.of(0L, 0L, 0L)) && t.getT2() == 1L)
            .verifyComplete();
        pool.disposeLater().as(StepVerifier::create).verifyComplete();
    }
}
