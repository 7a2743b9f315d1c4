package io.eventgateway.domain;

import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.ConnectionFactoryMetadata;
import io.r2dbc.spi.R2dbcNonTransientResourceException;
import io.r2dbc.spi.Statement;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;

/**
 * A connection factory that injects one failure where a test asks for it: when the statement that inserts events is
 * executed (after the change's state rows were written in the same transaction), or at commit. Everything else is
 * the real SQLite driver. Public: the server's tests use it too (gateway-core's test jar).
 */
public final class FailingConnections implements ConnectionFactory {

    /** Where the next failure is injected. */
    public enum Point {
        /** Executing the insert of the events, after the state writes. */
        EVENTS_INSERT,
        /** Committing the transaction, after every statement ran. */
        COMMIT
    }

    private final ConnectionFactory delegate;
    private final AtomicReference<@Nullable Point> armed = new AtomicReference<>();
    private final AtomicInteger injected = new AtomicInteger();

    /**
     * Wraps a factory.
     *
     * @param delegate the real factory
     */
    public FailingConnections(ConnectionFactory delegate) {
        this.delegate = delegate;
    }

    /**
     * Fails the next operation at that point, once.
     *
     * @param point where
     */
    public void failNext(Point point) {
        armed.set(point);
    }

    /**
     * How many failures were injected.
     *
     * @return the count
     */
    public int injected() {
        return injected.get();
    }

    private boolean fire(Point point) {
        if (armed.compareAndSet(point, null)) {
            injected.incrementAndGet();
            return true;
        }
        return false;
    }

    private static Mono<Void> failure(Point point) {
        return Mono.error(new R2dbcNonTransientResourceException("injected failure at " + point));
    }

    @Override
    public Publisher<? extends Connection> create() {
        return Mono.from(delegate.create()).map(c -> (Connection) Proxy.newProxyInstance(
            Connection.class.getClassLoader(), new Class<?>[] {Connection.class}, connection(c)));
    }

    @Override
    public ConnectionFactoryMetadata getMetadata() {
        return delegate.getMetadata();
    }

    private InvocationHandler connection(Connection real) {
        return (proxy, method, args) -> {
            if (method.getName().equals("commitTransaction") && fire(Point.COMMIT)) {
                return failure(Point.COMMIT);
            }
            Object result = invoke(real, method, args);
            if (method.getName().equals("createStatement") && ((String) args[0]).contains("INTO events")) {
                Statement statement = (Statement) result;
                return Proxy.newProxyInstance(Statement.class.getClassLoader(), new Class<?>[] {Statement.class},
                    statement(statement));
            }
            return result;
        };
    }

    private InvocationHandler statement(Statement real) {
        return (proxy, method, args) -> {
            if (method.getName().equals("execute") && fire(Point.EVENTS_INSERT)) {
                return failure(Point.EVENTS_INSERT);
            }
            Object result = invoke(real, method, args);
            // Keep the fluent chain on the proxy, so execute() is still intercepted.
            return result == real ? proxy : result;
        };
    }

    private static Object invoke(Object target, Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
