package dev.vigil.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The denial of service of issue 10 on real sockets: connections that send nothing, and connections that send a
 * request's headers a byte at a time and never finish them; then probes of a route timed one by one.
 */
final class SocketAttack implements AutoCloseable {

    private static final byte[] HALF = "GET /api/status HTTP/1.1\r\nHost: x\r\nX-Slow: ".getBytes(StandardCharsets.US_ASCII);

    private final int port;
    final List<Socket> idle = new ArrayList<>(), halfSent = new ArrayList<>();

    SocketAttack(int port) {
        this.port = port;
    }

    /** Opens {@code idle} silent connections and {@code half} that send the start of a request. */
    SocketAttack open(int idleCount, int halfCount) throws IOException {
        for (int i = 0; i < idleCount; i++) idle.add(connect());
        for (int i = 0; i < halfCount; i++) {
            Socket s = connect();
            s.getOutputStream().write(HALF);
            halfSent.add(s);
        }
        return this;
    }

    private Socket connect() throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        return s;
    }

    /** One more header byte on every half-sent connection: what keeps a slow sender within any idle timeout. */
    void drip() {
        for (Socket s : halfSent) {
            try {
                s.getOutputStream().write('a');
            } catch (IOException e) {
                // closed by the server: fine, counted by open()
            }
        }
    }

    /**
     * How many of the given connections the server still holds: a read that would block. End of stream, a reset or
     * an answer (a 408 before the close) mean the server let go.
     */
    static int stillOpen(List<Socket> sockets) {
        int n = 0;
        for (Socket s : sockets) {
            try {
                s.setSoTimeout(1);
                s.getInputStream().read();
            } catch (java.net.SocketTimeoutException e) {
                n++;
            } catch (IOException e) {
                // reset: closed
            }
        }
        return n;
    }

    /** One GET of {@code path} on a new connection: the status code, or -1 when it failed or took over 10 s. */
    static int get(int port, String path) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
            s.setSoTimeout(10_000);
            OutputStream o = s.getOutputStream();
            o.write(("GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            String all = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
            return all.startsWith("HTTP/1.1 ") ? Integer.parseInt(all.substring(9, 12)) : -1;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** Latencies (ms) of {@code n} probes of {@code path}, {@code gapMillis} apart; codes go into {@code codes}. */
    static double[] probe(int port, String path, int n, long gapMillis, List<Integer> codes) throws InterruptedException {
        double[] ms = new double[n];
        for (int i = 0; i < n; i++) {
            long t0 = System.nanoTime();
            codes.add(get(port, path));
            ms[i] = (System.nanoTime() - t0) / 1e6;
            Thread.sleep(gapMillis);
        }
        return ms;
    }

    static double percentile(double[] ms, double p) {
        double[] s = ms.clone();
        Arrays.sort(s);
        return s[Math.min(s.length - 1, (int) Math.ceil(p / 100 * s.length) - 1)];
    }

    @Override
    public void close() {
        for (Socket s : idle) closeQuietly(s);
        for (Socket s : halfSent) closeQuietly(s);
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // already gone
        }
    }
}
