package io.eventgateway.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import reactor.blockhound.BlockingOperationError;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

/** The client's tests run with BlockHound (blockhound-junit-platform): a blocking call on a Reactor thread fails. */
class BlockHoundTest {

    @Test
    void blockingOnANonBlockingThreadIsDetected() {
        StepVerifier.create(Mono.fromCallable(() -> {
            Thread.sleep(1);
            return "slept";
        }).subscribeOn(Schedulers.parallel()))
            .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(BlockingOperationError.class))
            .verify(Duration.ofSeconds(10));
    }
}
