package io.mptrec.governance.ab;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The serving benchmark's load generator: one keep-alive HTTP/1.1 connection that sends requests encoded once as bytes
 * and reads only what the benchmark needs from each response (status, {@code Server-Timing}, the body), as wrk and ab
 * do. The generator runs on the cores the application serves from; the JDK's HttpClient spent 0.4-0.5 ms of CPU per
 * 100-candidate request there (ab-testing/BENCHMARK.md), as much as the model's pass, so it measured itself as much as
 * the server. Not thread-safe: one connection per client thread.
 */
final class KeepAliveConnection implements Closeable {

    /** A response: its status, its {@code Server-Timing} header (null if absent) and its body. */
    record Response(int status, String serverTiming, byte[] body) {
    }

    private static final int TIMEOUT_MILLIS = 30_000;
    private final int port;
    private Socket socket;
    private OutputStream out;
    private InputStream in;

    KeepAliveConnection(int port) {
        this.port = port;
    }

    /** The bytes of one request to 127.0.0.1 with a body (POST) or without one (GET when {@code body} is null). */
    static byte[] request(int port, String path, String authorization, byte[] body) {
        StringBuilder head = new StringBuilder(body == null ? "GET " : "POST ").append(path).append(" HTTP/1.1\r\n")
                .append("Host: 127.0.0.1:").append(port).append("\r\n")
                .append("Authorization: ").append(authorization).append("\r\n");
        if (body != null) {
            head.append("Content-Type: application/json\r\n").append("Content-Length: ").append(body.length).append("\r\n");
        }
        byte[] headBytes = head.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII);
        if (body == null) {
            return headBytes;
        }
        byte[] all = new byte[headBytes.length + body.length];
        System.arraycopy(headBytes, 0, all, 0, headBytes.length);
        System.arraycopy(body, 0, all, headBytes.length, body.length);
        return all;
    }

    /**
     * Sends the request and reads its response; opens the connection first if it is not open (the first request, or
     * after an error or a {@code Connection: close}). On an I/O error the connection is closed and the error thrown.
     */
    Response send(byte[] request) throws IOException {
        try {
            if (socket == null) {
                open();
            }
            out.write(request);
            out.flush();
            return read();
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    private void open() throws IOException {
        Socket s = new Socket();
        s.setTcpNoDelay(true);
        s.setSoTimeout(TIMEOUT_MILLIS);
        s.connect(new InetSocketAddress("127.0.0.1", port), 2_000);
        socket = s;
        out = s.getOutputStream();
        in = new BufferedInputStream(s.getInputStream(), 64 * 1024);
    }

    private Response read() throws IOException {
        String statusLine = line();
        if (!statusLine.startsWith("HTTP/1.1 ") || statusLine.length() < 12) {
            throw new IOException("not an HTTP/1.1 status line: " + statusLine);
        }
        int status = Integer.parseInt(statusLine.substring(9, 12));
        long length = -1;
        boolean chunked = false;
        boolean closing = false;
        String serverTiming = null;
        for (String header = line(); !header.isEmpty(); header = line()) {
            int colon = header.indexOf(':');
            if (colon < 0) {
                throw new IOException("malformed header: " + header);
            }
            String name = header.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = header.substring(colon + 1).trim();
            switch (name) {
                case "content-length" -> length = Long.parseLong(value);
                case "transfer-encoding" -> chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
                case "connection" -> closing = value.equalsIgnoreCase("close");
                case "server-timing" -> serverTiming = value;
                default -> {
                    // not needed
                }
            }
        }
        byte[] body;
        if (chunked) {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            for (int size = chunkSize(); size > 0; size = chunkSize()) {
                b.write(in.readNBytes(size));
                line(); // the CRLF after the chunk
            }
            while (!line().isEmpty()) {
                // trailers, none expected
            }
            body = b.toByteArray();
        } else if (length >= 0) {
            body = in.readNBytes((int) length);
            if (body.length != length) {
                throw new IOException("connection closed inside a body");
            }
        } else {
            throw new IOException("a response without Content-Length or chunked encoding");
        }
        if (closing) {
            close();
        }
        return new Response(status, serverTiming, body);
    }

    private int chunkSize() throws IOException {
        String size = line();
        int extension = size.indexOf(';');
        return Integer.parseInt((extension < 0 ? size : size.substring(0, extension)).trim(), 16);
    }

    /** One CRLF-terminated line of ASCII, without its terminator. */
    private String line() throws IOException {
        StringBuilder b = new StringBuilder(64);
        while (true) {
            int c = in.read();
            if (c < 0) {
                throw new IOException("connection closed by the server");
            }
            if (c == '\n') {
                int end = b.length();
                if (end > 0 && b.charAt(end - 1) == '\r') {
                    b.setLength(end - 1);
                }
                return b.toString();
            }
            b.append((char) c);
        }
    }

    @Override
    public void close() {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
        socket = null;
        out = null;
        in = null;
    }
}
