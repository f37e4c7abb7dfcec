package dev.vigil.capture;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * An RTSP camera for tests. Debian's ffmpeg cannot serve RTSP (its muxer only pushes to a server, and
 * {@code -rtsp_flags listen} belongs to the demuxer), so ffmpeg plays the clip in real time as RTP to a local UDP port
 * and this relay answers OPTIONS/DESCRIBE/SETUP/PLAY on TCP and forwards the RTP packets interleaved on the RTSP
 * connection (RFC 2326 section 10.12), which is how a camera serves {@code rtsp_transport=tcp}.
 *
 * <p>{@link #stopFeed()} kills ffmpeg but keeps the connections open (a camera that hangs: the client must time out);
 * {@link #close()} drops everything (a camera that reboots: connection reset, then refused).
 */
final class RtspRelay implements AutoCloseable {

    private final ServerSocket server;
    private final DatagramSocket rtp;
    private final DatagramSocket rtcp;
    private final Process feeder;
    private final String sdp;
    private final List<Socket> clients = new CopyOnWriteArrayList<>();
    private final List<OutputStream> playing = new CopyOnWriteArrayList<>();
    private final List<Thread> threads = new CopyOnWriteArrayList<>();
    private volatile boolean closed;

    private RtspRelay(Path clip, int port, Path work) throws IOException {
        server = new ServerSocket();
        server.setReuseAddress(true);
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        rtp = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        rtcp = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        rtp.setReceiveBufferSize(1 << 20);
        Path sdpFile = work.resolve("feed-" + port + ".sdp");
        Files.deleteIfExists(sdpFile);
        feeder = new ProcessBuilder(Fixtures.ffmpeg(), "-hide_banner", "-loglevel", "error", "-nostdin", "-re",
                "-stream_loop", "-1", "-i", clip.toString(), "-map", "0:v", "-c", "copy", "-f", "rtp",
                "-sdp_file", sdpFile.toString(),
                "rtp://127.0.0.1:" + rtp.getLocalPort() + "?rtcpport=" + rtcp.getLocalPort() + "&pkt_size=1200")
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(work.resolve("feed-" + port + ".log").toFile())
                .start();
        sdp = describe(readSdp(sdpFile));
        start("rtsp-relay-accept", this::accept);
        start("rtsp-relay-rtp", this::pump);
    }

    static RtspRelay start(Path clip, int port) throws IOException {
        return new RtspRelay(clip, port, clip.getParent());
    }

    private String readSdp(Path file) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < deadline) {
            if (Files.exists(file)) {
                String s = Files.readString(file);
                if (s.contains("m=video")) return s;
            }
            if (!feeder.isAlive()) break;
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        close();
        throw new IOException("ffmpeg wrote no SDP (see " + file.resolveSibling(file.getFileName() + ".log") + ")");
    }

    /** ffmpeg's SDP describes a UDP destination; a server's DESCRIBE names the track to SETUP instead. */
    private static String describe(String ffmpegSdp) {
        StringBuilder out = new StringBuilder();
        for (String line : ffmpegSdp.split("\\R")) {
            if (line.isBlank()) continue;
            if (line.startsWith("c=")) line = "c=IN IP4 0.0.0.0";
            if (line.startsWith("m=video")) {
                String[] f = line.split(" ");
                out.append("a=control:*\r\n");
                out.append("m=video 0 ").append(f[2]).append(' ').append(f[3]).append("\r\n");
                out.append("a=control:streamid=0\r\n");
                continue;
            }
            out.append(line).append("\r\n");
        }
        return out.toString();
    }

    private void start(String name, Runnable r) {
        Thread t = Thread.ofPlatform().daemon().name(name).start(r);
        threads.add(t);
    }

    private void accept() {
        while (!closed) {
            try {
                Socket s = server.accept();
                clients.add(s);
                start("rtsp-relay-client", () -> serve(s));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void serve(Socket s) {
        OutputStream out = null;
        try (s) {
            InputStream in = new BufferedInputStream(s.getInputStream());
            out = s.getOutputStream();
            while (!closed) {
                int b = in.read();
                if (b < 0) return;
                if (b == '$') { // the client's RTCP reports, interleaved
                    in.read();
                    int len = (in.read() << 8) | in.read();
                    in.skipNBytes(len);
                    continue;
                }
                ByteArrayOutputStream head = new ByteArrayOutputStream();
                head.write(b);
                while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
                    int c = in.read();
                    if (c < 0) return;
                    head.write(c);
                }
                String[] lines = head.toString(StandardCharsets.ISO_8859_1).split("\r\n");
                String method = lines[0].split(" ")[0];
                String uri = lines[0].split(" ")[1];
                Map<String, String> headers = new HashMap<>();
                for (int i = 1; i < lines.length; i++) {
                    int colon = lines[i].indexOf(':');
                    if (colon > 0) headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
                }
                int body = Integer.parseInt(headers.getOrDefault("content-length", "0"));
                in.skipNBytes(body);
                String cseq = headers.getOrDefault("cseq", "0");
                List<String> reply = new ArrayList<>();
                String content = null;
                String status = "200 OK";
                switch (method) {
                    case "OPTIONS" -> reply.add("Public: OPTIONS, DESCRIBE, SETUP, PLAY, TEARDOWN, GET_PARAMETER");
                    case "DESCRIBE" -> {
                        reply.add("Content-Base: " + (uri.endsWith("/") ? uri : uri + "/"));
                        reply.add("Content-Type: application/sdp");
                        content = sdp;
                    }
                    case "SETUP" -> {
                        String transport = headers.getOrDefault("transport", "");
                        if (!transport.contains("TCP")) {
                            status = "461 Unsupported Transport";
                        } else {
                            reply.add("Transport: RTP/AVP/TCP;unicast;interleaved=0-1");
                            reply.add("Session: 4711;timeout=60");
                        }
                    }
                    case "PLAY" -> {
                        reply.add("Session: 4711");
                        reply.add("Range: npt=0.000-");
                    }
                    case "TEARDOWN" -> reply.add("Session: 4711");
                    default -> { }
                }
                StringBuilder r = new StringBuilder("RTSP/1.0 ").append(status).append("\r\nCSeq: ").append(cseq).append("\r\n");
                for (String h : reply) r.append(h).append("\r\n");
                byte[] payload = content == null ? new byte[0] : content.getBytes(StandardCharsets.UTF_8);
                if (content != null) r.append("Content-Length: ").append(payload.length).append("\r\n");
                r.append("\r\n");
                OutputStream o = out;
                synchronized (o) {
                    o.write(r.toString().getBytes(StandardCharsets.ISO_8859_1));
                    o.write(payload);
                    o.flush();
                }
                if (method.equals("PLAY")) playing.add(out);
                if (method.equals("TEARDOWN")) return;
            }
        } catch (IOException e) {
            // the client went away or the relay was closed
        } finally {
            clients.remove(s);
            if (out != null) playing.remove(out);
        }
    }

    private void pump() {
        byte[] buf = new byte[65536];
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        while (!closed) {
            try {
                rtp.receive(p);
            } catch (IOException e) {
                return;
            }
            int len = p.getLength();
            byte[] frame = new byte[4 + len];
            frame[0] = '$';
            frame[1] = 0;
            frame[2] = (byte) (len >> 8);
            frame[3] = (byte) len;
            System.arraycopy(buf, 0, frame, 4, len);
            for (OutputStream out : playing) {
                try {
                    synchronized (out) {
                        out.write(frame);
                    }
                } catch (IOException e) {
                    playing.remove(out);
                }
            }
        }
    }

    /** The camera hangs: no more packets, connections stay open. */
    void stopFeed() throws InterruptedException {
        feeder.destroyForcibly();
        feeder.waitFor(5, TimeUnit.SECONDS);
    }

    int connections() {
        return clients.size();
    }

    /** The camera goes away: feed killed, connections reset, port closed. Waits for the relay's threads. */
    @Override
    public void close() {
        closed = true;
        feeder.destroyForcibly();
        try {
            server.close();
        } catch (IOException e) {
            // closing
        }
        rtp.close();
        rtcp.close();
        for (Socket s : clients) {
            try {
                s.setSoLinger(true, 0); // RST, like a rebooting camera
                s.close();
            } catch (IOException e) {
                // closing
            }
        }
        try {
            feeder.waitFor(5, TimeUnit.SECONDS);
            for (Thread t : threads) t.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
