package io.eventgateway.client.example;

import static org.assertj.core.api.Assertions.assertThat;

import io.eventgateway.client.ClientTestSupport;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** gateway-client/README.md's example works as written: it is this package's {@link TaskWatcher}, run here. */
class ReadmeExampleIT extends ClientTestSupport {

    private static final Path SOURCE = Path.of("src/test/java/io/eventgateway/client/example/TaskWatcher.java");

    @Test
    void theReadmeExampleIsTaskWatcherWordForWord() throws IOException {
        String readme = Files.readString(Path.of("README.md"));
        int start = readme.indexOf("```java\n") + "```java\n".length();
        String block = readme.substring(start, readme.indexOf("```", start));
        String source = Files.readString(SOURCE).replaceFirst("package [a-z.]+;\n\n", "");
        assertThat(block).isEqualTo(source);
    }

    @Test
    void theReadmeExamplePublishesThreeTasksAndPrintsThemInOrder() {
        startSqlite();
        PrintStream console = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            TaskWatcher.main(new String[] {"http://127.0.0.1:" + port()});
        } finally {
            System.setOut(console);
        }
        List<String> lines = captured.toString(StandardCharsets.UTF_8).lines().toList();
        assertThat(lines).containsExactly(
            "published seq 1", "published seq 2", "published seq 3",
            "1 task:T-1 task.created {\"title\":\"task 1\"}",
            "2 task:T-2 task.created {\"title\":\"task 2\"}",
            "3 task:T-3 task.created {\"title\":\"task 3\"}");
    }
}
