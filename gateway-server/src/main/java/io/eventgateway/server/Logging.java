package io.eventgateway.server;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import io.eventgateway.server.config.LogConfig;
import java.util.Locale;
import org.slf4j.ILoggerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies {@code log.*} to Logback once the configuration is loaded: the root level ({@code log.level}; Netty and
 * Reactor keep the {@code warn} of {@code logback.xml}) and the encoder of the one standard-error appender
 * ({@code log.format}: the text pattern of {@code logback.xml}, or Logback's own {@link JsonEncoder}, one JSON
 * object per line with {@code timestamp}, {@code level}, {@code threadName}, {@code loggerName},
 * {@code formattedMessage}, {@code mdc}, {@code kvpList} and {@code throwable}).
 *
 * <p>The gateway never logs event payloads: no logger receives an event's {@code data}, at any level.
 */
final class Logging {

    /** The appender of {@code logback.xml} that this class re-encodes. */
    static final String APPENDER = "STDERR";
    /** The text layout, as in {@code logback.xml}. */
    static final String TEXT_PATTERN = "%d{yyyy-MM-dd'T'HH:mm:ss.SSSX,UTC} %-5level %logger{24} - %msg%n";

    private Logging() {
    }

    /**
     * Applies the settings to the Logback context behind SLF4J; does nothing when SLF4J is bound to another backend
     * (an application embedding the gateway configures its own logging).
     *
     * @param config {@code log.*}
     */
    static void apply(LogConfig config) {
        ILoggerFactory factory = LoggerFactory.getILoggerFactory();
        if (!(factory instanceof LoggerContext)) {
            return;
        }
        LoggerContext context = (LoggerContext) factory;
        ch.qos.logback.classic.Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.toLevel(config.level().toUpperCase(Locale.ROOT), Level.INFO));
        if (config.format().equals(LogConfig.TEXT)) {
            return;
        }
        ConsoleAppender<ILoggingEvent> appender = new ConsoleAppender<>();
        appender.setContext(context);
        appender.setName(APPENDER);
        appender.setTarget("System.err");
        appender.setEncoder(encoder(config, context));
        appender.start();
        Appender<ILoggingEvent> previous = root.getAppender(APPENDER);
        root.addAppender(appender);
        if (previous != null) {
            root.detachAppender(previous);
            previous.stop();
        }
    }

    /**
     * The encoder of a format, started.
     *
     * @param config {@code log.*}
     * @param context the Logback context
     * @return a JSON-lines encoder for {@code json}, the text pattern otherwise
     */
    static Encoder<ILoggingEvent> encoder(LogConfig config, LoggerContext context) {
        if (config.format().equals(LogConfig.JSON)) {
            JsonEncoder json = new JsonEncoder();
            json.setContext(context);
            // What a shipper needs, once: the message already formatted (not the pattern and its arguments), no
            // per-process context block or sequence numbers repeated on every line.
            json.setWithFormattedMessage(true);
            json.setWithMessage(false);
            json.setWithArguments(false);
            json.setWithContext(false);
            json.setWithSequenceNumber(false);
            json.setWithNanoseconds(false);
            json.start();
            return json;
        }
        PatternLayoutEncoder text = new PatternLayoutEncoder();
        text.setContext(context);
        text.setPattern(TEXT_PATTERN);
        text.start();
        return text;
    }
}
