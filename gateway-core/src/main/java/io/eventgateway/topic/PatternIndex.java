package io.eventgateway.topic;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Maps active patterns to a value (the hub keeps one sink per pattern) and finds every value whose pattern
 * matches a topic, without scanning the patterns: the cost of {@link #forEachMatch} is one hash lookup for the
 * exact topic, one for the entity, and a walk down a character trie of that entity's id prefixes no deeper than
 * the topic's id. It does not depend on how many patterns are active.
 *
 * <p>Not thread-safe: the hub mutates and reads it from its one dispatcher thread only.
 *
 * @param <V> the value stored per pattern
 */
public final class PatternIndex<V> {

    private @Nullable V all;
    private final Map<String, V> exact = new HashMap<>();
    private final Map<String, Node<V>> prefixes = new HashMap<>();
    private int size;

    /**
     * The value stored for a pattern.
     *
     * @param pattern the pattern
     * @return its value, or null when the pattern is not in the index
     */
    public @Nullable V get(TopicPattern pattern) {
        return switch (pattern.kind()) {
            case ALL -> all;
            case EXACT -> exact.get(pattern.value());
            case PREFIX -> {
                Node<V> node = find(pattern);
                yield node == null ? null : node.value;
            }
        };
    }

    /**
     * Stores a value for a pattern, replacing any previous one.
     *
     * @param pattern the pattern
     * @param value its value
     * @return the previous value, or null
     */
    public @Nullable V put(TopicPattern pattern, V value) {
        V previous;
        switch (pattern.kind()) {
            case ALL -> {
                previous = all;
                all = value;
            }
            case EXACT -> previous = exact.put(pattern.value(), value);
            default -> {
                Node<V> node = prefixes.computeIfAbsent(pattern.entity(), e -> new Node<>());
                String prefix = pattern.idPrefix();
                for (int i = 0; i < prefix.length(); i++) {
                    node = node.childOrCreate(prefix.charAt(i));
                }
                previous = node.value;
                node.value = value;
            }
        }
        if (previous == null) {
            size++;
        }
        return previous;
    }

    /**
     * Removes a pattern.
     *
     * @param pattern the pattern
     * @return the value it had, or null when it was not in the index
     */
    public @Nullable V remove(TopicPattern pattern) {
        V previous;
        switch (pattern.kind()) {
            case ALL -> {
                previous = all;
                all = null;
            }
            case EXACT -> previous = exact.remove(pattern.value());
            default -> previous = removePrefix(pattern);
        }
        if (previous != null) {
            size--;
        }
        return previous;
    }

    /**
     * Calls {@code action} with the value of every pattern that matches the topic, each once.
     *
     * @param topic a concrete topic
     * @param action called per matching pattern's value
     */
    public void forEachMatch(Topic topic, Consumer<? super V> action) {
        V a = all;
        if (a != null) {
            action.accept(a);
        }
        if (!exact.isEmpty()) {
            V e = exact.get(topic.value());
            if (e != null) {
                action.accept(e);
            }
        }
        if (prefixes.isEmpty()) {
            return;
        }
        Node<V> node = prefixes.get(topic.entity());
        String id = topic.id();
        for (int i = 0; node != null; i++) {
            V v = node.value;
            if (v != null) {
                action.accept(v);
            }
            if (i == id.length()) {
                break;
            }
            node = node.child(id.charAt(i));
        }
    }

    /**
     * The number of patterns in the index.
     *
     * @return the count
     */
    public int size() {
        return size;
    }

    private @Nullable Node<V> find(TopicPattern pattern) {
        Node<V> node = prefixes.get(pattern.entity());
        String prefix = pattern.idPrefix();
        for (int i = 0; node != null && i < prefix.length(); i++) {
            node = node.child(prefix.charAt(i));
        }
        return node;
    }

    private @Nullable V removePrefix(TopicPattern pattern) {
        Node<V> root = prefixes.get(pattern.entity());
        if (root == null) {
            return null;
        }
        String prefix = pattern.idPrefix();
        @SuppressWarnings("unchecked")
        Node<V>[] path = new Node[prefix.length() + 1];
        path[0] = root;
        for (int i = 0; i < prefix.length(); i++) {
            Node<V> next = path[i].child(prefix.charAt(i));
            if (next == null) {
                return null;
            }
            path[i + 1] = next;
        }
        Node<V> target = path[prefix.length()];
        V previous = target.value;
        target.value = null;
        // Prune the nodes that hold nothing any more, from the leaf up, so churn does not leak memory.
        for (int i = prefix.length(); i > 0 && path[i].isEmpty(); i--) {
            path[i - 1].removeChild(prefix.charAt(i - 1));
        }
        if (root.isEmpty()) {
            prefixes.remove(pattern.entity());
        }
        return previous;
    }

    /** A trie node: children kept as a sorted char array, searched by binary search. */
    private static final class Node<V> {
        private static final char[] NO_KEYS = new char[0];

        @Nullable V value;
        private char[] keys = NO_KEYS;
        private @Nullable Node<V>[] children;

        @Nullable Node<V> child(char c) {
            int i = Arrays.binarySearch(keys, c);
            return i >= 0 && children != null ? children[i] : null;
        }

        @SuppressWarnings("unchecked")
        Node<V> childOrCreate(char c) {
            int i = Arrays.binarySearch(keys, c);
            if (i >= 0 && children != null) {
                return children[i];
            }
            int at = -i - 1;
            Node<V> created = new Node<>();
            char[] newKeys = new char[keys.length + 1];
            Node<V>[] newChildren = new Node[keys.length + 1];
            System.arraycopy(keys, 0, newKeys, 0, at);
            newKeys[at] = c;
            System.arraycopy(keys, at, newKeys, at + 1, keys.length - at);
            if (children != null) {
                System.arraycopy(children, 0, newChildren, 0, at);
                System.arraycopy(children, at, newChildren, at + 1, keys.length - at);
            }
            newChildren[at] = created;
            keys = newKeys;
            children = newChildren;
            return created;
        }

        @SuppressWarnings("unchecked")
        void removeChild(char c) {
            int i = Arrays.binarySearch(keys, c);
            if (i < 0 || children == null) {
                return;
            }
            char[] newKeys = new char[keys.length - 1];
            Node<V>[] newChildren = new Node[keys.length - 1];
            System.arraycopy(keys, 0, newKeys, 0, i);
            System.arraycopy(keys, i + 1, newKeys, i, keys.length - i - 1);
            System.arraycopy(children, 0, newChildren, 0, i);
            System.arraycopy(children, i + 1, newChildren, i, keys.length - i - 1);
            keys = newKeys;
            children = newKeys.length == 0 ? null : newChildren;
        }

        boolean isEmpty() {
            return value == null && keys.length == 0;
        }
    }
}
