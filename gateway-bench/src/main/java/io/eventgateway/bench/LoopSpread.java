package io.eventgateway.bench;

import io.netty.util.concurrent.EventExecutor;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import reactor.netty.resources.LoopResources;

/**
 * Spreads the load generator's connections evenly over its event loops: each connection is started from the
 * next loop in turn, and since the generator's loops are colocated ({@link LoopResources#create(String, int,
 * boolean)}), Reactor Netty registers a connection started on a loop with that loop.
 *
 * <p>Why the generator does not let the loop group choose: with Netty 4.2.18, Reactor Netty asks the group once
 * per new connection whether it is an epoll group ({@code IoEventLoopGroup.isCompatible}), and that question calls
 * {@code next()}. Every connection moved the round robin two steps, so with two loops every connection started
 * outside a loop landed on the same one: measured, 100 of 100 subscribers on one loop, that loop 0.46 of a core
 * busy and the other 0.01, and the generator reported saturated at 0.7 of its two cores. Netty 4.2.19 fixes it
 * (netty#17544), but its native epoll jar is not on the registry this project builds from; and a connection
 * started on its loop gets that loop whatever the chooser does.
 */
final class LoopSpread {

    private final List<EventExecutor> loops = new ArrayList<>();
    private final AtomicInteger turn = new AtomicInteger();

    /**
     * Takes the loops of a colocated group.
     *
     * @param resources the generator's event loops
     */
    LoopSpread(LoopResources resources) {
        for (EventExecutor loop : resources.onClient(true)) {
            loops.add(loop);
        }
        if (loops.isEmpty()) {
            throw new IllegalArgumentException("no event loops");
        }
    }

    /**
     * Runs a connection's start on the next loop in turn; the connection it opens there reads on that loop.
     *
     * @param start subscribes to the connection's Mono (e.g. {@code client.websocket()...subscribe(...)})
     */
    void startOnNextLoop(Runnable start) {
        loops.get(Math.floorMod(turn.getAndIncrement(), loops.size())).execute(start);
    }
}
