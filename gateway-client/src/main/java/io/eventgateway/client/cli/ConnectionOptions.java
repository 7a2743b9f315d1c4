package io.eventgateway.client.cli;

import io.eventgateway.client.GatewayClient;
import java.time.Duration;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The options every command shares: where the gateway is, and how long a request may take; and the token, from
 * {@code $EVENT_GATEWAY_TOKEN} (as the Python tool reads it), never a flag, since flags show in process lists.
 */
final class ConnectionOptions {

    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    @Option(names = "--url", paramLabel = "URL", defaultValue = "${env:EVENTS_URL:-http://127.0.0.1:9090}",
        description = "the gateway's base URL (default: $EVENTS_URL, else ${DEFAULT-VALUE})")
    String url = "http://127.0.0.1:9090";

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "10",
        description = "how long one request may take (default: ${DEFAULT-VALUE})")
    double timeoutSeconds = 10;

    /** The environment variable that holds the token for a gateway with auth on. */
    static final String TOKEN_VARIABLE = "EVENT_GATEWAY_TOKEN";

    /**
     * A client of the gateway.
     *
     * @return the client
     * @throws ParameterException when the URL or timeout is not valid
     */
    GatewayClient client() {
        if (!(timeoutSeconds > 0 && timeoutSeconds <= 3600)) {
            throw new ParameterException(mixee.commandLine(), "--timeout must be from 0 to 3600 seconds, got "
                + timeoutSeconds);
        }
        GatewayClient.Builder builder;
        try {
            builder = GatewayClient.builder()
                .baseUrl(url)
                .requestTimeout(Duration.ofMillis((long) (timeoutSeconds * 1000)))
                // A person is watching: after a gateway restart, resume within about two seconds.
                .reconnectBackoff(Duration.ofMillis(100), Duration.ofSeconds(2));
        } catch (IllegalArgumentException e) {
            throw new ParameterException(mixee.commandLine(), "--url: " + e.getMessage());
        }
        String token = System.getenv(TOKEN_VARIABLE);
        if (token != null && !token.isEmpty()) {
            try {
                builder.token(token.strip());
            } catch (IllegalArgumentException e) {
                throw new ParameterException(mixee.commandLine(), "$" + TOKEN_VARIABLE + ": " + e.getMessage());
            }
        }
        return builder.build();
    }
}
