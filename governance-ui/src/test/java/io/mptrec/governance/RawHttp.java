package io.mptrec.governance;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * HTTP/1.1 requests written by hand over a socket, for what the usual clients do not let a test choose: a body sent in
 * chunks (no length declared), or in parts with pauses between them. Every request is erin's JSON POST.
 */
public final class RawHttp {

    private RawHttp() {
    }

    /** A POST as erin with its length declared: the head, then the body in two halves. */
    public static List<byte[]> withLength(String path, byte[] body) {
        int half = body.length / 2;
        return List.of(head(path, "Content-Length: " + body.length), Arrays.copyOf(body, half),
                Arrays.copyOfRange(body, half, body.length));
    }

    /** A POST as erin sent in chunks (no length declared): the body in two chunks and the last, empty one. */
    public static List<byte[]> chunked(String path, byte[] body) {
        int half = body.length / 2;
        return List.of(head(path, "Transfer-Encoding: chunked"), chunk(body, 0, half),
                chunk(body, half, body.length - half), "0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    }

    private static byte[] head(String path, String framing) {
        return ("POST " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nContent-Type: application/json\r\n"
                + "Authorization: " + Api.basic("erin")
                + "\r\n" + framing + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] chunk(byte[] body, int from, int length) {
        byte[] size = (Integer.toHexString(length) + "\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] chunk = Arrays.copyOf(size, size.length + length + 2);
        System.arraycopy(body, from, chunk, size.length, length);
        chunk[chunk.length - 2] = '\r';
        chunk[chunk.length - 1] = '\n';
        return chunk;
    }

    /**
     * Sends the parts over a socket of its own (each part flushed, with a pause between them when {@code paused}) and
     * reads the whole response. A writer thread sends, so a server that answers before it has read everything (a
     * refusal) cannot leave the test blocked in a write.
     */
    public static String send(URL base, List<byte[]> parts, boolean paused) throws Exception {
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            Thread writer = new Thread(() -> {
                try {
                    for (byte[] part : parts) {
                        out.write(part);
                        out.flush();
                        if (paused) {
                            Thread.sleep(300);
                        }
                    }
                } catch (IOException | InterruptedException e) {
                    // the server answered and closed before the rest was sent: the response says what happened
                }
            });
            writer.start();
            String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            writer.join(30_000);
            return response;
        }
    }

    /** The body of a response read by {@link #send}. */
    public static String body(String response) {
        return response.substring(response.indexOf("\r\n\r\n") + 4);
    }
}
