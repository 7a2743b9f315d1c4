package io.eventgateway.r2dbc.sqlite.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;

/**
 * SQL text split into statements, with its bind markers found and rewritten to plain {@code ?}.
 *
 * <p>SQLite's markers are {@code ?}, {@code ?NNN}, {@code :name}, {@code @name} and {@code $name}; they are numbered
 * as SQLite numbers them: {@code ?NNN} is parameter NNN, a new name or a bare {@code ?} takes the number after the
 * largest so far, and a repeated name reuses its number. Every occurrence becomes a {@code ?} in the rewritten text
 * and remembers its parameter, so one name may appear many times and several statements may share parameters.
 * Text inside quotes, brackets and comments is left alone. Statements are split at {@code ;}, except inside a
 * {@code CREATE TRIGGER ... END} body.
 */
public final class ParsedSql {

    private final String sql;

    private final List<Part> parts;

    private final int parameterCount;

    private final boolean[] used;

    private final Map<String, Integer> names;

    private ParsedSql(String sql, List<Part> parts, int parameterCount, boolean[] used, Map<String, Integer> names) {
        this.sql = sql;
        this.parts = parts;
        this.parameterCount = parameterCount;
        this.used = used;
        this.names = names;
    }

    /**
     * One statement of the text.
     *
     * @param sql the statement with every marker rewritten to {@code ?}
     * @param parameters for each {@code ?} in order, the zero-based parameter it stands for
     * @param keyword the first keyword, upper case ({@code INSERT}, {@code SELECT}, ...), or empty
     * @param returning whether the statement has a {@code RETURNING} clause
     */
    public record Part(String sql, int[] parameters, String keyword, boolean returning) {

        /**
         * Whether the statement changes rows (and so has a meaningful update count).
         *
         * @return {@code true} for INSERT, UPDATE, DELETE, REPLACE and WITH
         */
        public boolean isDml() {
            return switch (this.keyword) {
                case "INSERT", "UPDATE", "DELETE", "REPLACE", "WITH" -> true;
                default -> false;
            };
        }

        /**
         * Whether the statement can run as one JDBC batch ({@code addBatch/executeBatch}): DML returning no rows.
         *
         * @return {@code true} if batchable
         */
        public boolean isBatchable() {
            return isDml() && !this.returning && !"WITH".equals(this.keyword);
        }

        /**
         * This statement with a {@code RETURNING} clause for generated values; unchanged if not DML or if it has one.
         *
         * @param columns the columns to return; empty means the row id
         * @return the SQL to run
         */
        public String withReturning(String[] columns) {
            if (this.returning || !isDml()) {
                return this.sql;
            }
            String list = columns.length == 0 ? "rowid" : String.join(", ", columns);
            String trimmed = this.sql.strip();
            return trimmed + " RETURNING " + list;
        }
    }

    /** The most statements {@link #cached} keeps; past it the cache starts over (a program has few distinct). */
    private static final int CACHE_SIZE = 512;

    private static final Map<String, ParsedSql> CACHE = new ConcurrentHashMap<>();

    /**
     * Parses SQL text, or returns the parsed form of the same text seen before: a parsed statement is immutable,
     * and programs run the same few statements again and again (measured: parsing was 3% of the event log
     * writer's samples, one parse per group-commit batch).
     *
     * @param sql the text
     * @return the parsed form
     */
    public static ParsedSql cached(String sql) {
        ParsedSql parsed = CACHE.get(sql);
        if (parsed == null) {
            parsed = parse(sql);
            if (CACHE.size() >= CACHE_SIZE) {
                CACHE.clear();
            }
            CACHE.put(sql, parsed);
        }
        return parsed;
    }

    /**
     * Parses SQL text.
     *
     * @param sql the text
     * @return the parsed form
     */
    public static ParsedSql parse(String sql) {
        List<Part> parts = new ArrayList<>();
        Map<String, Integer> names = new HashMap<>();
        List<Boolean> usedList = new ArrayList<>();
        int[] max = {0};
        StringBuilder out = new StringBuilder(sql.length());
        List<Integer> occurrences = new ArrayList<>();
        List<String> words = new ArrayList<>();
        boolean returning = false;
        int n = sql.length();
        int i = 0;
        boolean significant = false;
        while (i < n) {
            char c = sql.charAt(i);
            if (c == '\'' || c == '"' || c == '`' || c == '[') {
                char close = c == '[' ? ']' : c;
                int j = i + 1;
                while (j < n) {
                    if (sql.charAt(j) == close) {
                        if (close != ']' && j + 1 < n && sql.charAt(j + 1) == close) {
                            j += 2;
                            continue;
                        }
                        break;
                    }
                    j++;
                }
                int end = Math.min(j + 1, n);
                out.append(sql, i, end);
                i = end;
                significant = true;
            } else if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
                int j = sql.indexOf('\n', i);
                int end = j < 0 ? n : j + 1;
                out.append(sql, i, end);
                i = end;
            } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
                int j = sql.indexOf("*/", i + 2);
                int end = j < 0 ? n : j + 2;
                out.append(sql, i, end);
                i = end;
            } else if (c == '?') {
                int j = i + 1;
                while (j < n && Character.isDigit(sql.charAt(j))) {
                    j++;
                }
                int index;
                if (j > i + 1) {
                    index = Integer.parseInt(sql.substring(i + 1, j)) - 1;
                    if (index < 0) {
                        throw new IllegalArgumentException("bind marker " + sql.substring(i, j)
                            + " is out of range; numbers start at 1");
                    }
                    max[0] = Math.max(max[0], index + 1);
                } else {
                    index = max[0]++;
                }
                use(usedList, index);
                occurrences.add(index);
                out.append('?');
                i = j;
                significant = true;
            } else if ((c == ':' || c == '@' || c == '$') && i + 1 < n && isIdentifierPart(sql.charAt(i + 1))) {
                int j = i + 1;
                while (j < n && isIdentifierPart(sql.charAt(j))) {
                    j++;
                }
                String name = sql.substring(i, j);
                Integer index = names.get(name);
                if (index == null) {
                    index = max[0]++;
                    names.put(name, index);
                }
                use(usedList, index);
                occurrences.add(index);
                out.append('?');
                i = j;
                significant = true;
            } else if (Character.isLetter(c) || c == '_') {
                int j = i + 1;
                while (j < n && isIdentifierPart(sql.charAt(j))) {
                    j++;
                }
                String word = sql.substring(i, j).toUpperCase(Locale.ROOT);
                if (words.size() < 4) {
                    words.add(word);
                }
                if ("RETURNING".equals(word)) {
                    returning = true;
                }
                out.append(sql, i, j);
                i = j;
                significant = true;
            } else if (c == ';' && (!isTrigger(words) || endsWithEnd(out))) {
                if (significant) {
                    parts.add(part(out.toString(), occurrences, words, returning));
                }
                out.setLength(0);
                occurrences.clear();
                words.clear();
                returning = false;
                significant = false;
                i++;
            } else {
                if (!Character.isWhitespace(c)) {
                    significant = true;
                }
                out.append(c);
                i++;
            }
        }
        if (significant) {
            parts.add(part(out.toString(), occurrences, words, returning));
        }
        if (parts.isEmpty()) {
            parts.add(new Part(sql, new int[0], "", false));
        }
        boolean[] used = new boolean[max[0]];
        for (int k = 0; k < usedList.size(); k++) {
            used[k] = usedList.get(k);
        }
        return new ParsedSql(sql, List.copyOf(parts), max[0], used, Map.copyOf(names));
    }

    private static boolean isTrigger(List<String> words) {
        return !words.isEmpty() && "CREATE".equals(words.get(0)) && words.contains("TRIGGER");
    }

    private static boolean endsWithEnd(StringBuilder out) {
        int k = out.length() - 1;
        while (k >= 0 && Character.isWhitespace(out.charAt(k))) {
            k--;
        }
        return k >= 2 && out.substring(k - 2, k + 1).equalsIgnoreCase("END")
            && (k < 3 || !isIdentifierPart(out.charAt(k - 3)));
    }

    private static void use(List<Boolean> used, int index) {
        while (used.size() <= index) {
            used.add(Boolean.FALSE);
        }
        used.set(index, Boolean.TRUE);
    }

    private static Part part(String sql, List<Integer> occurrences, List<String> words, boolean returning) {
        int[] parameters = occurrences.stream().mapToInt(Integer::intValue).toArray();
        String keyword = words.isEmpty() ? "" : words.get(0);
        return new Part(sql, parameters, keyword, returning);
    }

    private static boolean isIdentifierPart(char c) {
        return Character.isLetterOrDigit(c) || c == '_';
    }

    /**
     * The original text.
     *
     * @return the SQL as given
     */
    public String sql() {
        return this.sql;
    }

    /**
     * The statements, at least one.
     *
     * @return the parts in order
     */
    public List<Part> parts() {
        return this.parts;
    }

    /**
     * The number of parameters (the largest parameter number).
     *
     * @return the count
     */
    public int parameterCount() {
        return this.parameterCount;
    }

    /**
     * Whether a parameter appears in the text ({@code ?3} alone leaves 1 and 2 unused).
     *
     * @param index zero-based parameter
     * @return {@code true} if some marker stands for it
     */
    public boolean isUsed(int index) {
        return this.used[index];
    }

    /**
     * Finds the parameter a name binds: the marker itself ({@code :id}, {@code $1}) or the name without its prefix
     * ({@code id}, tried as {@code :id}, {@code @id}, then {@code $id}).
     *
     * @param name the name
     * @return the zero-based parameter
     * @throws NoSuchElementException if no marker has that name
     */
    public int indexOf(String name) {
        Integer index = this.names.get(name);
        if (index == null) {
            for (String prefix : new String[] {":", "@", "$"}) {
                index = this.names.get(prefix + name);
                if (index != null) {
                    break;
                }
            }
        }
        if (index == null) {
            throw new NoSuchElementException("no bind marker named " + name + " in: " + this.sql + "; markers are "
                + Arrays.toString(this.names.keySet().toArray()));
        }
        return index;
    }

    @Override
    public String toString() {
        return this.sql;
    }

    /**
     * Finds a parameter by name without failing.
     *
     * @param name the name
     * @return the index or {@code null}
     */
    public @Nullable Integer findIndex(String name) {
        try {
            return indexOf(name);
        } catch (NoSuchElementException e) {
            return null;
        }
    }
}
