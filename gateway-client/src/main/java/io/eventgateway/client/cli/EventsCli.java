package io.eventgateway.client.cli;

import io.eventgateway.client.ErrorCode;
import io.eventgateway.client.GatewayClientException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.Set;
import java.util.logging.ConsoleHandler;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import reactor.util.Loggers;

/**
 * {@code scripts/events}: {@code tail} and {@code publish} on the Java client. Errors are one line on stderr;
 * exit codes: 0 done, 1 the gateway is not there or failed, 2 bad arguments (also when the gateway refuses them).
 */
@Command(name = "events", mixinStandardHelpOptions = true, version = "events 1.0",
    subcommands = {TailCommand.class, PublishCommand.class},
    description = "Follows and publishes Event Gateway events.",
    footer = {"", "Exit codes: 0 done, 1 the gateway is not there or failed, 2 bad arguments.",
        "The gateway's URL: --url, else $EVENTS_URL, else http://127.0.0.1:9090.",
        "A gateway with auth.mode jwt or api-key: the token in $EVENT_GATEWAY_TOKEN (not a flag: flags show in"
            + " process lists)."})
public final class EventsCli implements Runnable {

    /** Exit code of a failure of the gateway or the connection. */
    static final int FAILURE = 1;
    /** Exit code of bad arguments. */
    static final int USAGE = 2;

    /** Codes the gateway answers for input that is wrong: the user's arguments, so exit 2. */
    private static final Set<ErrorCode> INPUT_ERRORS = EnumSet.of(ErrorCode.WS_INVALID_TOPIC,
        ErrorCode.WS_INVALID_MESSAGE, ErrorCode.INVALID_TOPIC, ErrorCode.INVALID_MESSAGE, ErrorCode.BAD_REQUEST,
        ErrorCode.PAYLOAD_TOO_LARGE, ErrorCode.WS_SUBSCRIPTION_LIMIT);

    /**
     * The loggers configured by {@link #main}, held so that java.util.logging does not forget their levels.
     * Without SLF4J, Reactor and Netty log through java.util.logging.
     */
    private static final Logger[] LOGGERS = {Logger.getLogger(""), Logger.getLogger("io.eventgateway.client"),
        Logger.getLogger("reactor.netty"), Logger.getLogger("io.netty")};

    @Spec
    CommandSpec spec;

    /**
     * One line per record on stderr: the client's reconnect notes ({@code events: ... reconnecting in 80 ms}) and
     * warnings; Reactor Netty's own notes about failed connections repeat what the client says, so only its
     * severe errors are shown.
     */
    private static void configureLogging() {
        // Reactor's own fallback would print INFO on stdout, in the middle of tail's JSON lines.
        Loggers.useJdkLoggers();
        Logger root = LOGGERS[0];
        for (Handler h : root.getHandlers()) {
            root.removeHandler(h);
        }
        Handler handler = new ConsoleHandler();
        handler.setLevel(Level.ALL);
        handler.setFormatter(new Formatter() {
            @Override
            public String format(LogRecord record) {
                return "events: " + formatMessage(record) + System.lineSeparator();
            }
        });
        root.addHandler(handler);
        root.setLevel(Level.WARNING);
        LOGGERS[1].setLevel(Level.INFO);
        LOGGERS[2].setLevel(Level.SEVERE);
        LOGGERS[3].setLevel(Level.SEVERE);
    }

    /**
     * Runs the tool and exits with its code.
     *
     * @param args the arguments
     */
    public static void main(String[] args) {
        configureLogging();
        PrintWriter out = new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8));
        PrintWriter err = new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
        int code = execute(args, out, err);
        out.flush();
        System.exit(code);
    }

    /**
     * Runs the tool in this process (tests call this).
     *
     * @param args the arguments
     * @param out where events and seqs go
     * @param err where errors go, one line each
     * @return the exit code
     */
    public static int execute(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cmd = new CommandLine(new EventsCli());
        cmd.setOut(out);
        cmd.setErr(err);
        cmd.setParameterExceptionHandler((ex, arguments) -> {
            String name = ex.getCommandLine().getCommandSpec().qualifiedName();
            err.println(name + ": " + ex.getMessage() + " (see " + name + " --help)");
            err.flush();
            return USAGE;
        });
        cmd.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            String name = commandLine.getCommandSpec().qualifiedName();
            err.println(name + ": " + describe(ex));
            err.flush();
            return ex instanceof GatewayClientException g && INPUT_ERRORS.contains(g.errorCode()) ? USAGE : FAILURE;
        });
        return cmd.execute(args);
    }

    private static String describe(Exception ex) {
        if (ex instanceof GatewayClientException g) {
            if (g.errorCode() == ErrorCode.CONNECTION_FAILED) {
                return "no gateway answers (" + g.getMessage() + "); start one with scripts/gateway, or pass --url";
            }
            return g.code() + ": " + g.getMessage();
        }
        String message = ex.getMessage();
        return ex.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "missing command: tail or publish");
    }
}
