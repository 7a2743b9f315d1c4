package io.eventgateway.bench.jmh;

import io.eventgateway.topic.PatternIndex;
import io.eventgateway.topic.Topic;
import io.eventgateway.topic.TopicPattern;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@link PatternIndex#forEachMatch}: the hub's lookup of every pattern matching an event's topic, with 10, 1,000
 * and 100,000 active patterns. The topic {@code task:TASK-4711} matches exactly three of them ({@code task:*},
 * {@code task:TASK-47*} and itself); the others are exact topics and prefixes of the same entity that share the
 * trie's path ({@code task:TASK-1xxxxx}, {@code task:TASK-1xxxxx*}) and of two other entities. Target (issue 5):
 * at most 2 microseconds per match at 100,000 patterns.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class PatternIndexBenchmark {

    @Param({"10", "1000", "100000"})
    int patterns;

    private final PatternIndex<Integer> index = new PatternIndex<>();
    private final Topic threeMatches = Topic.parse("task:TASK-4711");
    private final Topic noMatch = Topic.parse("bot:BOT-1");
    private final Counter counter = new Counter();

    /** Fills the index and checks the topic matches exactly three patterns. */
    @Setup
    public void fill() {
        index.put(TopicPattern.parse("task:TASK-4711"), 1);
        index.put(TopicPattern.parse("task:*"), 2);
        index.put(TopicPattern.parse("task:TASK-47*"), 3);
        for (int i = 0; index.size() < patterns; i++) {
            int id = 100_000 + i;
            String pattern;
            switch (i % 4) {
                case 0:
                    pattern = "task:TASK-" + id;
                    break;
                case 1:
                    pattern = "task:TASK-" + id + "*";
                    break;
                case 2:
                    pattern = "stream:Stream-" + id;
                    break;
                default:
                    pattern = "agent:agent-" + id + "*";
                    break;
            }
            index.put(TopicPattern.parse(pattern), i);
        }
        counter.count = 0;
        index.forEachMatch(threeMatches, counter);
        if (counter.count != 3) {
            throw new IllegalStateException("expected 3 matches, got " + counter.count);
        }
    }

    /** The cost of finding the three matching patterns. */
    @Benchmark
    public int matchThree() {
        counter.count = 0;
        index.forEachMatch(threeMatches, counter);
        return counter.count;
    }

    /** The cost for a topic of an entity no pattern names. */
    @Benchmark
    public int matchNone() {
        counter.count = 0;
        index.forEachMatch(noMatch, counter);
        return counter.count;
    }

    /** Counts matches (the hub's consumer emits to the pattern's sink instead). */
    static final class Counter implements Consumer<Integer> {
        int count;

        @Override
        public void accept(Integer value) {
            count++;
        }
    }
}
