package io.eventgateway.server;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.jspecify.annotations.Nullable;

/**
 * A hand-written HTTP/1.1 and WebSocket client on a plain {@link Socket}, for what a real client library hides:
 * arbitrary {@code Host}/{@code Origin} headers, the HTTP answer to a refused upgrade, and a client that stops
 * reading (its receive buffer is set before connecting). Frames it sends are masked (RFC 6455 5.3); frames it
 * reads are the server's unmasked ones.
 */
public final class RawSocket implements AutoCloseable {

    /** Opcodes of RFC 6455 section 5.2. */
    public static final int CONTINUATION = 0x0;
    public static final int TEXT = 0x1;
    public static final int BINARY = 0x2;
    public static final int CLOSE = 0x8;
    public static final int PING = 0x9;
    public static final int PONG = 0xA;

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;

    private RawSocket(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new DataInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    /**
     * Connects to 127.0.0.1.
     *
     * @param port the port
     * @param receiveBufferBytes SO_RCVBUF, set before connecting, or 0 for the default
     * @return the socket
     */
    public static RawSocket connect(int port, int receiveBufferBytes) {
        try {
            Socket s = new Socket();
            if (receiveBufferBytes > 0) {
                s.setReceiveBufferSize(receiveBufferBytes);
            }
            s.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
            s.setSoTimeout(10_000);
            return new RawSocket(s);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * An HTTP answer's head and body.
     *
     * @param status the status code
     * @param headers the headers, names in lower case
     * @param body the body text
     */
    public record Answer(int status, Map<String, String> headers, String body) {
    }

    /**
     * Sends a request head (and body) and reads the answer. For a 101 the body is empty and the socket is then
     * a WebSocket.
     *
     * @param method the method
     * @param path the path
     * @param headers the headers (Host included: none is added)
     * @param body the body, or null
     * @return the answer
     */
    public Answer http(String method, String path, Map<String, String> headers, @Nullable String body) {
        StringBuilder head = new StringBuilder(method).append(' ').append(path).append(" HTTP/1.1\r\n");
        headers.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
        byte[] bodyBytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        if (body != null) {
            head.append("Content-Length: ").append(bodyBytes.length).append("\r\n");
        }
        head.append("\r\n");
        try {
            out.write(head.toString().getBytes(StandardCharsets.US_ASCII));
            out.write(bodyBytes);
            out.flush();
            return readAnswer();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The headers of a WebSocket upgrade of {@code /ws}.
     *
     * @param host the Host header
     * @return the headers, to which more may be added
     */
    public static Map<String, String> upgradeHeaders(String host) {
        byte[] key = new byte[16];
        ThreadLocalRandom.current().nextBytes(key);
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Host", host);
        headers.put("Connection", "Upgrade");
        headers.put("Upgrade", "websocket");
        headers.put("Sec-WebSocket-Version", "13");
        headers.put("Sec-WebSocket-Key", Base64.getEncoder().encodeToString(key));
        return headers;
    }

    /**
     * Upgrades {@code /ws} with {@code Host: 127.0.0.1:port} and fails unless the answer is 101.
     *
     * @param port the port, for the Host header
     */
    public void upgrade(int port) {
        Answer answer = http("GET", "/ws", upgradeHeaders("127.0.0.1:" + port), null);
        if (answer.status() != 101) {
            throw new AssertionError("upgrade refused: " + answer);
        }
    }

    private Answer readAnswer() throws IOException {
        ByteArrayOutputStream headBytes = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("connection closed in the answer's head: " + headBytes);
            }
            headBytes.write(b);
            matched = (b == '\r' && (matched == 0 || matched == 2)) || (b == '\n' && (matched == 1 || matched == 3))
                ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        String[] lines = headBytes.toString(StandardCharsets.ISO_8859_1).split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
                    lines[i].substring(colon + 1).trim());
            }
        }
        if (status == 101) {
            return new Answer(status, headers, "");
        }
        byte[] body;
        String length = headers.get("content-length");
        if (length != null) {
            body = new byte[Integer.parseInt(length)];
            in.readFully(body);
        } else if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            for (;;) {
                int size = Integer.parseInt(readLine().split(";")[0].trim(), 16);
                if (size == 0) {
                    readLine();
                    break;
                }
                byte[] chunk = new byte[size];
                in.readFully(chunk);
                all.write(chunk);
                readLine();
            }
            body = all.toByteArray();
        } else {
            body = new byte[0];
        }
        return new Answer(status, headers, new String(body, StandardCharsets.UTF_8));
    }

    private String readLine() throws IOException {
        StringBuilder line = new StringBuilder();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                throw new EOFException();
            }
            if (b != '\r') {
                line.append((char) b);
            }
        }
        return line.toString();
    }

    /**
     * Sends a masked text frame holding a whole message.
     *
     * @param text the message
     */
    public void sendText(String text) {
        sendFrame(true, TEXT, text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Sends a masked frame.
     *
     * @param fin the FIN bit
     * @param opcode the opcode
     * @param payload the unmasked payload
     */
    public void sendFrame(boolean fin, int opcode, byte[] payload) {
        ByteArrayOutputStream frame = new ByteArrayOutputStream(payload.length + 14);
        frame.write((fin ? 0x80 : 0) | opcode);
        if (payload.length < 126) {
            frame.write(0x80 | payload.length);
        } else if (payload.length < 65_536) {
            frame.write(0x80 | 126);
            frame.write(payload.length >>> 8);
            frame.write(payload.length & 0xFF);
        } else {
            frame.write(0x80 | 127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                frame.write((int) (((long) payload.length >>> shift) & 0xFF));
            }
        }
        byte[] mask = new byte[4];
        ThreadLocalRandom.current().nextBytes(mask);
        frame.write(mask, 0, 4);
        for (int i = 0; i < payload.length; i++) {
            frame.write(payload[i] ^ mask[i & 3]);
        }
        try {
            out.write(frame.toByteArray());
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A frame read from the server.
     *
     * @param fin the FIN bit
     * @param opcode the opcode
     * @param payload the payload
     * @param rsv1 the RSV1 bit: set on the first frame of a message compressed with permessage-deflate (RFC 7692)
     */
    public record Frame(boolean fin, int opcode, byte[] payload, boolean rsv1) {
        /**
         * The payload as UTF-8 text.
         *
         * @return the text
         */
        public String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }

        /**
         * The status code of a close frame.
         *
         * @return the code
         */
        public int closeCode() {
            return ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF);
        }
    }

    /**
     * Reads the next frame (the server never masks).
     *
     * @return the frame, or null at the end of the stream
     */
    public @Nullable Frame readFrame() {
        try {
            int b0 = in.read();
            if (b0 < 0) {
                return null;
            }
            int b1 = in.readUnsignedByte();
            long length = b1 & 0x7F;
            if (length == 126) {
                length = in.readUnsignedShort();
            } else if (length == 127) {
                length = in.readLong();
            }
            byte[] mask = null;
            if ((b1 & 0x80) != 0) {
                mask = new byte[4];
                in.readFully(mask);
            }
            byte[] payload = new byte[Math.toIntExact(length)];
            in.readFully(payload);
            if (mask != null) {
                for (int i = 0; i < payload.length; i++) {
                    payload[i] ^= mask[i & 3];
                }
            }
            return new Frame((b0 & 0x80) != 0, b0 & 0x0F, payload, (b0 & 0x40) != 0);
        } catch (EOFException e) {
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Bytes that can be read without blocking.
     *
     * @return the count
     */
    public int available() {
        try {
            return in.available();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Sets the read timeout.
     *
     * @param millis the timeout
     */
    public void readTimeout(int millis) {
        try {
            socket.setSoTimeout(millis);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // closing anyway
        }
    }
}
