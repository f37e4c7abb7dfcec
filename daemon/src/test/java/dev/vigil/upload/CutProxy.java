package dev.vigil.upload;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP relay on 127.0.0.1, port 0, in front of the S3 server that cuts every connection once {@code cutAfter} bytes
 * went from the client towards the server in total (a dropped uplink in the middle of an object), and relays
 * faithfully before that point and after {@link #heal}.
 */
final class CutProxy implements AutoCloseable {

    private final ServerSocket server;
    private final int upstream;
    private final AtomicLong sent = new AtomicLong();
    private volatile long cutAfter;
    private volatile boolean cut;

    CutProxy(int upstream, long cutAfter) throws IOException {
        this.upstream = upstream;
        this.cutAfter = cutAfter;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(this::accept, "cut-proxy");
        t.setDaemon(true);
        t.start();
    }

    int port() { return server.getLocalPort(); }

    /** Whether the cut happened. */
    boolean cut() { return cut; }

    /** Bytes relayed from the client towards the server. */
    long sent() { return sent.get(); }

    /** From now on relays everything. */
    void heal() { cutAfter = Long.MAX_VALUE; }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Socket up = new Socket(InetAddress.getLoopbackAddress(), upstream);
                pump(client, up, true);
                pump(up, client, false);
            } catch (IOException e) {
                return;
            }
        }
    }

    private void pump(Socket from, Socket to, boolean counted) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[4096];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                for (int n; (n = in.read(buf)) > 0; ) {
                    if (counted) {
                        long before = sent.getAndAdd(n);
                        if (before + n > cutAfter) {
                            int part = (int) Math.max(0, cutAfter - before);
                            out.write(buf, 0, part);
                            out.flush();
                            cut = true;
                            from.close();
                            to.close();
                            return;
                        }
                    }
                    out.write(buf, 0, n);
                    out.flush();
                }
            } catch (IOException e) {
                // one side closed: close the other
            } finally {
                try {
                    from.close();
                    to.close();
                } catch (IOException ignored) {
                    // already closed
                }
            }
        }, "cut-proxy-pump");
        t.setDaemon(true);
        t.start();
    }

    @Override
    public void close() throws IOException { server.close(); }
}
