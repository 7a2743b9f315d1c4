package io.eventgateway.r2dbc.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

import io.r2dbc.spi.Blob;
import io.r2dbc.spi.Clob;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.R2dbcBadGrammarException;
import io.r2dbc.spi.R2dbcDataIntegrityViolationException;
import io.r2dbc.spi.R2dbcNonTransientResourceException;
import io.r2dbc.spi.R2dbcPermissionDeniedException;
import io.r2dbc.spi.R2dbcTimeoutException;
import io.r2dbc.spi.Result;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

final class SqliteConnectionTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    private SqliteConnectionFactory factory;

    @BeforeEach
    void open() {
        this.factory = SqliteConnectionFactory.create(SqliteConnectionConfiguration.builder()
            .path(this.dir.resolve("sub/test.db").toString()).build());
        sql("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT UNIQUE, n INT, big BIGINT, d REAL, flag BOOLEAN, "
            + "dec NUMERIC, day DATE, at TIMESTAMP, bytes BLOB, txt CLOB)");
    }

    @AfterEach
    void close() {
        this.factory.dispose();
    }

    private <T> Flux<T> with(Function<Connection, Publisher<T>> work) {
        return Flux.usingWhen(this.factory.create(), work, Connection::close);
    }

    private void sql(String sql) {
        with(c -> Flux.from(c.createStatement(sql).execute()).flatMap(Result::getRowsUpdated))
            .then().as(StepVerifier::create).verifyComplete();
    }

    @Test
    void typesRoundTrip() {
        LocalDateTime at = LocalDateTime.of(2024, 5, 6, 7, 8, 9, 123_000_000);
        with(c -> Flux.from(c.createStatement("INSERT INTO t (name, n, big, d, flag, dec, day, at, bytes, txt) "
                + "VALUES (:name, :n, :big, :d, :flag, :dec, :day, :at, :bytes, :txt)")
                .bind("name", "a").bind("n", 7).bind("big", Long.MAX_VALUE).bind("d", 1.5).bind("flag", true)
                .bind("dec", new BigDecimal("12.34")).bind("day", LocalDate.of(2024, 5, 6)).bind("at", at)
                .bind("bytes", ByteBuffer.wrap(new byte[] {1, 2, 3}))
                .bindNull("txt", String.class).execute())
            .flatMap(Result::getRowsUpdated)
            .thenMany(c.createStatement("SELECT * FROM t").execute())
            .flatMap(r -> r.map((row, md) -> List.of(row.get("NAME"), row.get("n"), row.get("big"), row.get("d"),
                row.get("flag"), row.get("dec", BigDecimal.class), row.get("day", LocalDate.class),
                row.get("at", LocalDateTime.class), row.get("bytes", byte[].class).length,
                row.get("n", Short.class), row.get("n", Byte.class), row.get("d", Float.class),
                row.get("txt") == null))))
            .as(StepVerifier::create)
            .expectNext(List.of("a", 7, Long.MAX_VALUE, 1.5, true, new BigDecimal("12.34"), LocalDate.of(2024, 5, 6),
                at, 3, (short) 7, (byte) 7, 1.5f, true))
            .verifyComplete();
    }

    @Test
    void instantsAndTimesAreIsoText() {
        Instant now = Instant.parse("2024-01-02T03:04:05.678Z");
        with(c -> Flux.from(c.createStatement("SELECT ?, ?, ?, CURRENT_TIMESTAMP")
                .bind(0, now).bind(1, LocalTime.of(1, 2, 3)).bind(2, now.atOffset(ZoneOffset.ofHours(2))).execute())
            .flatMap(r -> r.map((row, md) -> List.of(row.get(0, String.class), row.get(0, Instant.class),
                row.get(1, LocalTime.class), row.get(2, OffsetDateTime.class).toInstant(),
                row.get(3, Instant.class).isAfter(now)))))
            .as(StepVerifier::create)
            .expectNext(List.of("2024-01-02T03:04:05.678Z", now, LocalTime.of(1, 2, 3), now, true))
            .verifyComplete();
    }

    @Test
    void blobAndClobStreamInAndOut() {
        with(c -> Flux.from(c.createStatement("INSERT INTO t (bytes, txt) VALUES (?, ?)")
                .bind(0, Blob.from(Flux.just(ByteBuffer.wrap(new byte[] {1}), ByteBuffer.wrap(new byte[] {2}))))
                .bind(1, Clob.from(Flux.just("ab", "cd"))).execute())
            .flatMap(Result::getRowsUpdated)
            .thenMany(c.createStatement("SELECT bytes, txt FROM t").execute())
            .flatMap(r -> r.map((row, md) -> row.get(1, Clob.class)))
            .flatMap(clob -> Flux.from(clob.stream()).reduce("", (a, b) -> a + b)))
            .as(StepVerifier::create)
            .expectNext("abcd")
            .verifyComplete();
    }

    @Test
    void uniqueViolationIsDataIntegrityViolation() {
        sql("INSERT INTO t (name) VALUES ('x')");
        with(c -> Flux.from(c.createStatement("INSERT INTO t (name) VALUES ('x')").execute())
            .flatMap(Result::getRowsUpdated))
            .as(StepVerifier::create)
            .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(R2dbcDataIntegrityViolationException.class)
                .hasMessageContaining("UNIQUE").satisfies(x -> assertThat(
                    ((R2dbcDataIntegrityViolationException) x).getErrorCode()).isEqualTo(19)))
            .verify(TIMEOUT);
    }

    @Test
    void syntaxErrorIsBadGrammarAndSegmentsCarryTheMessage() {
        with(c -> Flux.from(c.createStatement("SELEC nonsense").execute()).flatMap(Result::getRowsUpdated))
            .as(StepVerifier::create)
            .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(R2dbcBadGrammarException.class)
                .hasMessageContaining("syntax error")
                .satisfies(x -> assertThat(((R2dbcBadGrammarException) x).getOffendingSql())
                    .isEqualTo("SELEC nonsense")))
            .verify(TIMEOUT);
        with(c -> Flux.from(c.createStatement("SELECT * FROM missing").execute())
            .flatMap(r -> r.flatMap(s -> Mono.just(s instanceof Result.Message m ? m.message() : "other"))))
            .as(StepVerifier::create)
            .expectNextMatches(m -> m.contains("no such table"))
            .verifyComplete();
    }

    @Test
    void batchOfParameterSetsInsertsInOneHop() {
        with(c -> {
            var st = c.createStatement("INSERT INTO t (n) VALUES (?)");
            for (int i = 0; i < 999; i++) {
                st.bind(0, i).add();
            }
            st.bind(0, 999);
            return Flux.from(c.beginTransaction()).thenMany(st.execute()).flatMap(Result::getRowsUpdated)
                .reduce(0L, Long::sum).concatWith(Mono.from(c.commitTransaction()).then(Mono.empty()));
        })
            .as(StepVerifier::create).expectNext(1000L).verifyComplete();
        with(c -> Flux.from(c.createBatch().add("INSERT INTO t (n) VALUES (1)").add("SELECT count(*) FROM t")
                .execute())
            .concatMap(r -> r.flatMap(s -> Mono.just(s instanceof Result.UpdateCount u ? "count " + u.value()
                : ((Result.RowSegment) s).row().get(0, Long.class).toString()))))
            .as(StepVerifier::create).expectNext("count 1", "1001").verifyComplete();
    }

    @Test
    void generatedKeysComeFromReturning() {
        with(c -> Flux.from(c.createStatement("INSERT INTO t (name) VALUES (?)").bind(0, "a").add().bind(0, "b")
                .returnGeneratedValues("id").execute())
            .flatMap(r -> r.map((row, md) -> row.get("id", Long.class))))
            .as(StepVerifier::create).expectNext(1L, 2L).verifyComplete();
    }

    @Test
    void savepointRollbackKeepsEarlierWork() {
        with(c -> Flux.from(c.beginTransaction())
            .thenMany(c.createStatement("INSERT INTO t (name) VALUES ('a')").execute()).flatMap(Result::getRowsUpdated)
            .thenMany(c.createSavepoint("sp"))
            .thenMany(c.createStatement("INSERT INTO t (name) VALUES ('b')").execute()).flatMap(Result::getRowsUpdated)
            .thenMany(c.rollbackTransactionToSavepoint("sp"))
            .thenMany(c.releaseSavepoint("sp"))
            .thenMany(c.commitTransaction())
            .thenMany(c.createStatement("SELECT name FROM t").execute())
            .flatMap(r -> r.map((row, md) -> row.get(0, String.class))))
            .as(StepVerifier::create).expectNext("a").verifyComplete();
    }

    @Test
    void takeOfLargeQueryClosesTheCursorAndConnectionStaysUsable() {
        sql("WITH RECURSIVE s(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM s WHERE x < 10000) "
            + "INSERT INTO t (n) SELECT x FROM s");
        with(c -> Flux.from(c.createStatement("SELECT n FROM t ORDER BY n").execute())
            .flatMap(r -> r.map((row, md) -> row.get(0, Integer.class))).take(2)
            .concatWith(Flux.from(c.createStatement("DELETE FROM t").execute())
                .flatMap(Result::getRowsUpdated).map(Long::intValue)))
            .as(StepVerifier::create).expectNext(1, 2, 10000).verifyComplete();
    }

    @Test
    void requestOneFetchesIncrementally() {
        sql("INSERT INTO t (n) VALUES (1), (2), (3)");
        with(c -> Flux.from(c.createStatement("SELECT n FROM t ORDER BY n").execute())
            .flatMap(r -> r.map((row, md) -> row.get(0, Integer.class)), 1, 1))
            .as(s -> StepVerifier.create(s, 0))
            .thenRequest(1).expectNext(1)
            .expectNoEvent(Duration.ofMillis(50))
            .thenRequest(1).expectNext(2)
            .thenRequest(5).expectNext(3)
            .verifyComplete();
    }

    @Test
    void readOnlyModeRejectsWrites() {
        SqliteConnectionFactory ro = SqliteConnectionFactory.from("r2dbc:sqlite:"
            + this.dir.resolve("sub/test.db") + "?readOnly=true");
        Flux.usingWhen(ro.create(), c -> Flux.from(c.createStatement("INSERT INTO t (n) VALUES (1)").execute())
            .flatMap(Result::getRowsUpdated), Connection::close)
            .as(StepVerifier::create)
            .expectError(R2dbcPermissionDeniedException.class)
            .verify(TIMEOUT);
    }

    @Test
    void fileThatIsNotADatabaseFailsClearly() throws IOException {
        Path junk = Files.writeString(this.dir.resolve("junk.db"),
            "this is not a database, just some text. ".repeat(50), StandardCharsets.UTF_8);
        SqliteConnectionFactory.from("r2dbc:sqlite:" + junk).create()
            .as(StepVerifier::create)
            .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(R2dbcNonTransientResourceException.class)
                .hasMessageContaining("not a database"))
            .verify(TIMEOUT);
    }

    @Test
    void statementTimeoutInterruptsAndIsTimeoutException() {
        with(c -> Flux.from(c.setStatementTimeout(Duration.ofMillis(200)))
            .thenMany(c.createStatement("WITH RECURSIVE s(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM s) "
                + "SELECT count(*) FROM s").execute())
            .flatMap(r -> r.map((row, md) -> row.get(0))))
            .as(StepVerifier::create)
            .expectError(R2dbcTimeoutException.class)
            .verify(TIMEOUT);
    }

    @Test
    void driverCallsFromParallelThreadsNeverBlockThem() {
        AtomicReference<String> thread = new AtomicReference<>();
        Mono.defer(() -> Mono.from(this.factory.create()))
            .subscribeOn(Schedulers.parallel())
            .flatMapMany(c -> Flux.from(c.createStatement("INSERT INTO t (n) VALUES ($1)").bind("$1", 5).execute())
                .publishOn(Schedulers.parallel())
                .flatMap(Result::getRowsUpdated)
                .thenMany(Flux.from(c.createStatement("SELECT n FROM t").execute()).publishOn(Schedulers.parallel()))
                .flatMap(r -> r.map((row, md) -> row.get(0, Integer.class)))
                .publishOn(Schedulers.parallel())
                .doOnNext(v -> thread.set(Thread.currentThread().getName()))
                .concatWith(Flux.from(c.close()).then(Mono.empty())))
            .as(StepVerifier::create)
            .expectNext(5)
            .verifyComplete();
        assertThat(thread.get()).startsWith("parallel-");
        StepVerifier.create(Mono.fromCallable(() -> Thread.currentThread().getName())
                .flatMap(n -> Mono.from(this.factory.create()))
                .flatMap(c -> Mono.from(c.createStatement("SELECT 1").execute())
                    .flatMap(r -> Mono.from(r.map((row, md) -> Thread.currentThread().getName())))
                    .flatMap(n -> Mono.from(c.close()).thenReturn(n)))
                .subscribeOn(Schedulers.parallel()))
            .assertNext(n -> assertThat(n).startsWith("r2dbc-sqlite-"))
            .verifyComplete();
    }

    @Test
    void memoryDatabaseIsSharedByConnectionsOfOneFactory() {
        SqliteConnectionFactory mem = SqliteConnectionFactory.from("r2dbc:sqlite::memory:");
        Flux.usingWhen(mem.create(), c -> Flux.from(c.createStatement("CREATE TABLE m (x INT)").execute())
            .flatMap(Result::getRowsUpdated), Connection::close).then()
            .thenMany(Flux.usingWhen(mem.create(), c -> Flux.from(c.createStatement("SELECT count(*) FROM m")
                .execute()).flatMap(r -> r.map((row, md) -> row.get(0, Long.class))), Connection::close))
            .as(StepVerifier::create).expectNext(0L).verifyComplete();
        mem.disposeLater().as(StepVerifier::create).verifyComplete();
    }

    @Test
    void closeIsIdempotentAndMetadataNamesSqlite() {
        Mono.from(this.factory.create())
            .flatMap(c -> {
                assertThat(c.getMetadata().getDatabaseProductName()).isEqualTo("SQLite");
                assertThat(c.getMetadata().getDatabaseVersion()).startsWith("3.");
                return Mono.from(c.close()).then(Mono.from(c.close())).then(Mono.from(c.validate(
                    io.r2dbc.spi.ValidationDepth.REMOTE)));
            })
            .as(StepVerifier::create).expectNext(false).verifyComplete();
    }
}
