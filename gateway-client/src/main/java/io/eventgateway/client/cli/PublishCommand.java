package io.eventgateway.client.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.eventgateway.client.GatewayClient;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code events publish TOPIC TYPE JSON [--key KEY]}: publishes one event and prints its seq once durable. */
@Command(name = "publish", mixinStandardHelpOptions = true,
    description = "Publishes one event (POST /api/events) and prints its seq once it is durable.")
final class PublishCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ConnectionOptions connection = new ConnectionOptions();

    @Parameters(index = "0", paramLabel = "TOPIC", description = "a concrete topic, e.g. task:T-1")
    String topic = "";

    @Parameters(index = "1", paramLabel = "TYPE", description = "the event type, e.g. task.created")
    String eventType = "";

    @Parameters(index = "2", paramLabel = "JSON", description = "the data, a JSON object, e.g. '{\"n\":1}'")
    String json = "";

    @Option(names = "--key", paramLabel = "IDEMPOTENCY_KEY",
        description = "publish at most once per key (a retry answers the original seq); transient failures are"
            + " retried")
    @Nullable String key;

    @Override
    public Integer call() {
        JsonNode data;
        try {
            data = EventLines.JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new ParameterException(spec.commandLine(), "JSON is not valid: " + e.getOriginalMessage());
        }
        if (data == null || !data.isObject()) {
            throw new ParameterException(spec.commandLine(), "JSON must be an object such as '{\"n\":1}', got '"
                + json + "'");
        }
        if (key != null && (key.isEmpty() || key.length() > 128)) {
            throw new ParameterException(spec.commandLine(), "--key must be 1 to 128 characters");
        }
        GatewayClient client = connection.client();
        try {
            Long seq = key == null ? client.publish(topic, eventType, data).block()
                : client.publish(topic, eventType, data, key).block();
            spec.commandLine().getOut().println(seq);
            spec.commandLine().getOut().flush();
            return 0;
        } finally {
            client.disposeLater().block(Duration.ofSeconds(5));
        }
    }
}
