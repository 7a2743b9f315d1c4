package io.eventgateway.r2dbc.sqlite.internal;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.UUID;

import io.r2dbc.spi.Blob;
import io.r2dbc.spi.Clob;
import io.r2dbc.spi.Parameter;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * Java values to SQLite storage classes and back.
 *
 * <p>Binding: integers (Byte, Short, Integer, Long) and Boolean (0/1) become INTEGER; Float and Double REAL;
 * String, BigDecimal and BigInteger (as plain text, so nothing is lost), UUID and the java.time types (ISO-8601) TEXT;
 * byte[], ByteBuffer and Blob BLOB; Clob TEXT. Reading converts the stored value to the asked type, and for
 * {@code Object} picks the natural type from the declared column type: see {@link #naturalType}.
 */
public final class Codecs {

    private Codecs() {
    }

    /**
     * A {@code NULL} bound with {@code bindNull(.., type)}.
     *
     * @param type the declared Java type
     */
    public record NullValue(Class<?> type) {
    }

    /**
     * Checks a bind value and converts it to what is bound on the connection thread.
     *
     * @param value the value given to {@code bind}, possibly a {@link Parameter}
     * @return Integer, Long, Double, String, byte[], {@link NullValue}, or an unresolved Blob/Clob
     * @throws IllegalArgumentException if the type cannot be stored
     */
    public static Object encode(Object value) {
        // The common types first: they are final classes, so each check is one compare, where the interface
        // checks below (Parameter, Blob, Clob) scan the class's interfaces. Measured on the event log's group
        // commit: this method was 12% of the writer thread's samples with the Parameter check first.
        if (value instanceof String || value instanceof Long || value instanceof Integer || value instanceof Double) {
            return value;
        }
        Object v = value;
        if (v instanceof Parameter p) {
            if (p.getValue() == null) {
                return new NullValue(typeOf(p));
            }
            v = p.getValue();
        }
        if (v instanceof String || v instanceof Long || v instanceof Integer || v instanceof Double) {
            return v;
        }
        if (v instanceof Short || v instanceof Byte) {
            return ((Number) v).intValue();
        }
        if (v instanceof Float f) {
            return f.doubleValue();
        }
        if (v instanceof Boolean b) {
            return b ? 1 : 0;
        }
        if (v instanceof BigDecimal d) {
            return d.toPlainString();
        }
        if (v instanceof BigInteger b) {
            return b.bitLength() < 64 ? (Object) b.longValue() : b.toString();
        }
        if (v instanceof byte[] bytes) {
            return bytes.clone();
        }
        if (v instanceof ByteBuffer buffer) {
            ByteBuffer copy = buffer.duplicate();
            byte[] bytes = new byte[copy.remaining()];
            copy.get(bytes);
            return bytes;
        }
        if (v instanceof LocalDate || v instanceof LocalTime || v instanceof LocalDateTime
            || v instanceof OffsetDateTime || v instanceof Instant || v instanceof UUID) {
            return v.toString();
        }
        if (v instanceof ZonedDateTime z) {
            return z.toOffsetDateTime().toString();
        }
        if (v instanceof Blob || v instanceof Clob) {
            return v;
        }
        if (v instanceof Character ch) {
            return ch.toString();
        }
        throw new IllegalArgumentException("cannot bind a value of type " + v.getClass().getName()
            + "; supported: numbers, Boolean, String, BigDecimal, byte[], ByteBuffer, Blob, Clob, UUID, "
            + "java.time types");
    }

    private static Class<?> typeOf(Parameter p) {
        return p.getType() == null ? Object.class : p.getType().getJavaType();
    }

    /**
     * Checks the type of a {@code bindNull}.
     *
     * @param type the type
     * @return the null value to bind
     */
    public static NullValue encodeNull(Class<?> type) {
        return new NullValue(type);
    }

    /**
     * Whether a bound value still has to be read (a Blob or Clob stream).
     *
     * @param value an encoded value
     * @return {@code true} for Blob and Clob
     */
    public static boolean needsResolution(@Nullable Object value) {
        return value instanceof Blob || value instanceof Clob;
    }

    /**
     * Reads a Blob or Clob into a byte[] or String.
     *
     * @param value the Blob or Clob
     * @return the bytes or text
     */
    public static Mono<Object> resolve(Object value) {
        if (value instanceof Blob blob) {
            return Mono.from(reactor.core.publisher.Flux.from(blob.stream())
                .collect(java.io.ByteArrayOutputStream::new, (out, buffer) -> {
                    byte[] bytes = new byte[buffer.remaining()];
                    buffer.get(bytes);
                    out.write(bytes, 0, bytes.length);
                })
                .map(out -> (Object) out.toByteArray()));
        }
        if (value instanceof Clob clob) {
            return reactor.core.publisher.Flux.from(clob.stream())
                .collect(StringBuilder::new, StringBuilder::append)
                .map(StringBuilder::toString);
        }
        return Mono.just(value);
    }

    /**
     * Binds an encoded value on the connection thread.
     *
     * @param ps the statement
     * @param position one-based JDBC position
     * @param value the encoded value
     * @throws SQLException from JDBC
     */
    public static void bind(PreparedStatement ps, int position, @Nullable Object value) throws SQLException {
        if (value instanceof Long l) {
            ps.setLong(position, l);
        } else if (value instanceof Integer i) {
            ps.setInt(position, i);
        } else if (value instanceof String s) {
            ps.setString(position, s);
        } else if (value instanceof Double d) {
            ps.setDouble(position, d);
        } else if (value instanceof byte[] b) {
            ps.setBytes(position, b);
        } else if (value == null || value instanceof NullValue) {
            ps.setNull(position, Types.NULL);
        } else {
            throw new IllegalStateException("unresolved bind value " + value.getClass().getName());
        }
    }

    /**
     * The Java type {@code get(.., Object.class)} returns for a declared column type and stored value.
     *
     * <ul>
     *   <li>INTEGER storage: {@code Boolean} if the declared type contains BOOL; {@code Long} if it contains BIG or
     *   LONG or is INT8; {@code Integer} if it contains INT and the value fits; otherwise {@code Long}.</li>
     *   <li>REAL storage: {@code Double}. TEXT: {@code String}. BLOB: {@code ByteBuffer}.</li>
     * </ul>
     *
     * @param declType the declared type (upper case), or the storage class when there is none
     * @param raw the stored value as read from JDBC (Integer, Long, Double, String, byte[])
     * @return the natural value
     */
    public static @Nullable Object naturalType(String declType, @Nullable Object raw) {
        if (raw instanceof Integer || raw instanceof Long) {
            long v = ((Number) raw).longValue();
            if (declType.contains("BOOL")) {
                return v != 0;
            }
            if (declType.contains("BIG") || declType.contains("LONG") || declType.equals("INT8")) {
                return v;
            }
            if (declType.contains("INT") && v == (int) v) {
                return (int) v;
            }
            return v;
        }
        if (raw instanceof byte[] bytes) {
            return ByteBuffer.wrap(bytes).asReadOnlyBuffer();
        }
        return raw;
    }

    /**
     * The natural Java type of a declared column type (for {@code ColumnMetadata.getJavaType()}).
     *
     * @param declType the declared type, upper case
     * @return the class
     */
    public static Class<?> naturalClass(String declType) {
        String d = declType.toUpperCase(Locale.ROOT);
        if (d.contains("BOOL")) {
            return Boolean.class;
        }
        if (d.contains("BIG") || d.contains("LONG") || d.equals("INT8")) {
            return Long.class;
        }
        if (d.contains("INT")) {
            return Integer.class;
        }
        if (d.contains("CHAR") || d.contains("CLOB") || d.contains("TEXT")) {
            return String.class;
        }
        if (d.contains("BLOB") || d.isEmpty()) {
            return d.isEmpty() ? Object.class : ByteBuffer.class;
        }
        if (d.contains("REAL") || d.contains("FLOA") || d.contains("DOUB")) {
            return Double.class;
        }
        return Object.class;
    }

    /**
     * Converts a stored value to the asked type.
     *
     * @param raw the stored value (Integer, Long, Double, String, byte[] or null)
     * @param declType the declared column type, upper case
     * @param type the asked type
     * @param <T> the asked type
     * @return the value, or {@code null} for SQL NULL
     * @throws IllegalArgumentException if the value cannot be converted
     */
    @SuppressWarnings("unchecked")
    public static <T> @Nullable T decode(@Nullable Object raw, String declType, Class<T> type) {
        if (raw == null) {
            return null;
        }
        if (type == Object.class) {
            return (T) naturalType(declType, raw);
        }
        Object v = convert(raw, type);
        if (v == null) {
            throw new IllegalArgumentException("cannot convert a stored " + raw.getClass().getSimpleName()
                + " (column type " + declType + ") to " + type.getName());
        }
        return (T) v;
    }

    private static @Nullable Object convert(Object raw, Class<?> type) {
        try {
            if (type == String.class) {
                return raw instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : raw.toString();
            }
            if (type == Long.class || type == long.class) {
                return raw instanceof Number n ? (Object) toLong(n) : (Object) Long.parseLong(raw.toString().trim());
            }
            if (type == Integer.class || type == int.class) {
                return Math.toIntExact(raw instanceof Number n ? toLong(n) : Long.parseLong(raw.toString().trim()));
            }
            if (type == Short.class || type == short.class) {
                long l = raw instanceof Number n ? toLong(n) : Long.parseLong(raw.toString().trim());
                if (l != (short) l) {
                    throw new ArithmeticException("short overflow: " + l);
                }
                return (short) l;
            }
            if (type == Byte.class || type == byte.class) {
                long l = raw instanceof Number n ? toLong(n) : Long.parseLong(raw.toString().trim());
                if (l != (byte) l) {
                    throw new ArithmeticException("byte overflow: " + l);
                }
                return (byte) l;
            }
            if (type == Double.class || type == double.class) {
                return raw instanceof Number n ? n.doubleValue() : Double.parseDouble(raw.toString().trim());
            }
            if (type == Float.class || type == float.class) {
                return raw instanceof Number n ? n.floatValue() : Float.parseFloat(raw.toString().trim());
            }
            if (type == Boolean.class || type == boolean.class) {
                if (raw instanceof Number n) {
                    return n.doubleValue() != 0;
                }
                String s = raw.toString().trim();
                return "1".equals(s) || "true".equalsIgnoreCase(s);
            }
            if (type == BigDecimal.class) {
                if (raw instanceof Double d) {
                    return BigDecimal.valueOf(d);
                }
                return raw instanceof Number n ? BigDecimal.valueOf(n.longValue())
                    : new BigDecimal(raw.toString().trim());
            }
            if (type == BigInteger.class) {
                return raw instanceof Number n ? BigInteger.valueOf(toLong(n)) : new BigInteger(raw.toString().trim());
            }
            if (type == byte[].class) {
                return raw instanceof byte[] b ? b.clone() : raw.toString().getBytes(StandardCharsets.UTF_8);
            }
            if (type == ByteBuffer.class) {
                byte[] b = raw instanceof byte[] bytes ? bytes.clone()
                    : raw.toString().getBytes(StandardCharsets.UTF_8);
                return ByteBuffer.wrap(b);
            }
            if (type == Blob.class) {
                byte[] b = raw instanceof byte[] bytes ? bytes.clone()
                    : raw.toString().getBytes(StandardCharsets.UTF_8);
                return Blob.from(Mono.fromSupplier(() -> ByteBuffer.wrap(b)));
            }
            if (type == Clob.class) {
                String s = raw instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : raw.toString();
                return Clob.from(Mono.just(s));
            }
            if (type == UUID.class) {
                return UUID.fromString(raw.toString());
            }
            if (raw instanceof String s) {
                return temporal(s.trim(), type);
            }
            if (type.isInstance(raw)) {
                return raw;
            }
            return null;
        } catch (ArithmeticException | NumberFormatException | DateTimeParseException e) {
            throw new IllegalArgumentException("cannot convert " + raw + " to " + type.getName() + ": "
                + e.getMessage(), e);
        }
    }

    private static long toLong(Number n) {
        if (n instanceof Double d) {
            if (d != Math.rint(d)) {
                throw new ArithmeticException("not an integer: " + d);
            }
            return d.longValue();
        }
        return n.longValue();
    }

    private static @Nullable Object temporal(String s, Class<?> type) {
        if (type == LocalDate.class) {
            return LocalDate.parse(s.length() > 10 ? s.substring(0, 10) : s);
        }
        if (type == LocalTime.class) {
            return LocalTime.parse(s);
        }
        String iso = s.length() > 10 && s.charAt(10) == ' ' ? s.substring(0, 10) + 'T' + s.substring(11) : s;
        if (type == LocalDateTime.class) {
            return hasOffset(iso) ? OffsetDateTime.parse(iso).toLocalDateTime() : LocalDateTime.parse(iso);
        }
        if (type == OffsetDateTime.class || type == Instant.class || type == ZonedDateTime.class) {
            // Text without an offset is UTC, as SQLite's CURRENT_TIMESTAMP and datetime() write it.
            OffsetDateTime odt = hasOffset(iso) ? OffsetDateTime.parse(iso)
                : LocalDateTime.parse(iso).atOffset(ZoneOffset.UTC);
            if (type == Instant.class) {
                return odt.toInstant();
            }
            return type == ZonedDateTime.class ? odt.toZonedDateTime() : odt;
        }
        return null;
    }

    private static boolean hasOffset(String iso) {
        if (iso.endsWith("Z") || iso.endsWith("z")) {
            return true;
        }
        int t = iso.indexOf('T');
        return t > 0 && (iso.indexOf('+', t) > 0 || iso.indexOf('-', t) > 0);
    }
}
