package dev.vigil.http;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Figures for the choice of server (not run by default: {@code -Dvigil.bench=true}). On a daemon detecting at 10 fps:
 * 20k /metrics requests from 8 kept-alive connections, RSS before and after, threads, then the attack of
 * HttpAttackTest and /healthz's p99 during it. Once in this JVM for each thread pool under Jetty, and once on
 * {@code vigil run} in a process of its own with the packaged launcher's JVM options (serial GC, 128 MB heap).
 */
@EnabledIfSystemProperty(named = "vigil.bench", matches = "true")
class HttpFloodBench {

    @TempDir
    Path tmp;

    static long rssKb() throws IOException {
        for (String l : Files.readAllLines(Path.of("/proc/self/status")))
            if (l.startsWith("VmRSS:")) return Long.parseLong(l.replaceAll("\\D", ""));
        throw new IOException("no VmRSS");
    }

    static long settledRssKb() throws Exception {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(300);
        }
        return rssKb();
    }

    /** {@code n} GETs of {@code path} on one kept-alive connection; each response read whole by its Content-Length. */
    static void scrape(int port, String path, int n, AtomicInteger ok) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port));
            s.setSoTimeout(10_000);
            OutputStream o = s.getOutputStream();
            InputStream in = new BufferedInputStream(s.getInputStream(), 65536);
            byte[] req = ("GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
            for (int i = 0; i < n; i++) {
                o.write(req);
                String status = line(in);
                long length = -1;
                for (String h; !(h = line(in)).isEmpty(); ) {
                    if (h.regionMatches(true, 0, "content-length:", 0, 15)) length = Long.parseLong(h.substring(15).strip());
                }
                if (length < 0) throw new IOException("no Content-Length after " + status);
                in.skipNBytes(length);
                if (status.startsWith("HTTP/1.1 200")) ok.incrementAndGet();
            }
        }
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        for (int c; (c = in.read()) != '\n'; ) {
            if (c < 0) throw new IOException("connection closed");
            if (c != '\r') b.append((char) c);
        }
        return b.toString();
    }

    /** The JVM options of deploy/deb/vigil, the packaged launcher. */
    static final List<String> PACKAGED = List.of("--enable-native-access=ALL-UNNAMED", "-XX:+UseSerialGC", "-Xms16m", "-Xmx128m",
            "-Xss512k", "-XX:ReservedCodeCacheSize=32m", "-XX:MaxMetaspaceSize=96m", "-Dorg.bytedeco.javacpp.maxPhysicalBytes=0");

    static long status(long pid, String key) throws IOException {
        for (String l : Files.readAllLines(Path.of("/proc/" + pid + "/status")))
            if (l.startsWith(key + ":")) return Long.parseLong(l.replaceAll("\\D", ""));
        throw new IOException("no " + key);
    }

    static void gc(long pid) throws Exception {
        jcmd(pid, "GC.run");
        Thread.sleep(500);
    }

    static String jcmd(long pid, String... what) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(), Long.toString(pid)));
        cmd.addAll(List.of(what));
        Process j = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String text = new String(j.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        j.waitFor();
        return text;
    }

    /** With -Dvigil.bench.nmt=true: where the process's memory is, by the JVM's own count (its committed figures). */
    static void nmt(long pid, String when) throws Exception {
        if (!Boolean.getBoolean("vigil.bench.nmt")) return;
        for (String l : jcmd(pid, "VM.native_memory", "summary", "scale=MB").lines().toList())
            if (l.matches("-\\s+\\w.*\\(reserved=.*") || l.startsWith("Total")) System.out.println("nmt " + when + ": " + l.strip());
    }

    @Test
    void floodAndAttackOnThePackagedJvm() throws Exception {
        Path cfg = tmp.resolve("vigil.yaml");
        Files.writeString(cfg, LiveDaemon.CONFIG.formatted("", tmp.resolve("events"), LiveDaemon.photos(10, true)));
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        cmd.addAll(PACKAGED);
        if (Boolean.getBoolean("vigil.bench.nmt")) cmd.add("-XX:NativeMemoryTracking=summary");
        cmd.addAll(List.of("-Dvigil.mirror=" + dev.vigil.testing.TestData.shared().toAbsolutePath(), "-Dvigil.home=" + tmp.resolve("home"),
                "-cp", System.getProperty("java.class.path"), "dev.vigil.cli.Main", "run", "--config", cfg.toString()));
        Path out = tmp.resolve("daemon.log");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        try {
            java.util.regex.Pattern listening = java.util.regex.Pattern.compile("http: listening on 127\\.0\\.0\\.1:(\\d+)");
            long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            int port = -1;
            while (port < 0 && System.nanoTime() < deadline && p.isAlive()) {
                var m = listening.matcher(Files.readString(out));
                if (m.find()) port = Integer.parseInt(m.group(1));
                else Thread.sleep(200);
            }
            if (port < 0) throw new AssertionError("no HTTP server: " + Files.readString(out));
            while (SocketAttack.get(port, "/readyz") != 200 && System.nanoTime() < deadline) Thread.sleep(200);
            long pid = p.pid();
            AtomicInteger ok = new AtomicInteger();
            scrape(port, "/metrics", 500, ok); // warm-up
            Thread.sleep(5000);
            gc(pid);
            // The daemon's own drift (events, JIT, native caches) over as long as the flood and its settling take.
            long control = status(pid, "VmRSS");
            Thread.sleep(25_000);
            gc(pid);
            long before = status(pid, "VmRSS"), threadsBefore = status(pid, "Threads");
            nmt(pid, "before");
            long t0 = System.nanoTime();
            int finalPort = port;
            List<Thread> clients = new ArrayList<>();
            for (int c = 0; c < 8; c++) clients.add(Thread.ofPlatform().start(() -> {
                try {
                    scrape(finalPort, "/metrics", 2500, ok);
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            }));
            long peak = 0, threadsPeak = 0;
            for (Thread t : clients) {
                while (t.isAlive()) {
                    peak = Math.max(peak, status(pid, "VmRSS"));
                    threadsPeak = Math.max(threadsPeak, status(pid, "Threads"));
                    t.join(100);
                }
            }
            double secs = (System.nanoTime() - t0) / 1e9;
            Thread.sleep(10_000);
            long idle = status(pid, "VmRSS");
            gc(pid);
            long after = status(pid, "VmRSS");
            nmt(pid, "after");
            System.out.printf(Locale.ROOT, "http bench packaged JVM: 20000 /metrics in %.1f s (%d ok); RSS %d MB before (%+d MB in 25 s without requests), peak %d MB, "
                            + "%d MB 10 s after, %d MB after a GC (%+d MB); process threads %d before, peak %d%n",
                    secs, ok.get() - 500, before / 1024, (before - control) / 1024, peak / 1024, idle / 1024, after / 1024, (after - before) / 1024, threadsBefore, threadsPeak);
            try (SocketAttack attack = new SocketAttack(port).open(500, 500)) {
                Thread.sleep(300);
                List<Integer> codes = new ArrayList<>();
                double[] ms = SocketAttack.probe(port, "/healthz", 200, 5, codes);
                System.out.printf(Locale.ROOT, "http bench packaged JVM: attack of 500 idle + 500 half-sent; /healthz %d/200 ok, p50 %.1f ms "
                                + "p99 %.1f ms max %.1f ms; process threads %d; RSS %d MB%n",
                        codes.stream().filter(c -> c == 200).count(), SocketAttack.percentile(ms, 50), SocketAttack.percentile(ms, 99),
                        SocketAttack.percentile(ms, 100), status(pid, "Threads"), status(pid, "VmRSS") / 1024);
            }
        } finally {
            p.destroy();
            p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
            p.destroyForcibly();
        }
    }

    @Test
    void floodAndAttackOnEachPool() throws Exception {
        try (LiveDaemon d = LiveDaemon.start(tmp, 10, true)) {
            if (!d.awaitReady(Duration.ofSeconds(60))) throw new AssertionError("never ready");
            for (StatusServer.Pool kind : List.of(StatusServer.Pool.PLATFORM, StatusServer.Pool.VIRTUAL, StatusServer.Pool.PLATFORM)) {
                try (StatusServer s = StatusServer.start(new dev.vigil.config.HttpConfig("127.0.0.1", 0), d.vigil,
                        dev.vigil.time.TimeSource.system(), kind)) {
                    int port = s.port();
                    AtomicInteger ok = new AtomicInteger();
                    scrape(port, "/metrics", 200, ok); // warm-up
                    long before = settledRssKb();
                    int jvmThreadsBefore = Thread.activeCount();
                    long t0 = System.nanoTime();
                    List<Thread> clients = new ArrayList<>();
                    for (int c = 0; c < 8; c++) {
                        clients.add(Thread.ofPlatform().start(() -> {
                            try {
                                scrape(port, "/metrics", 2500, ok);
                            } catch (IOException e) {
                                throw new RuntimeException(e);
                            }
                        }));
                    }
                    long peak = 0;
                    int threadsPeak = 0;
                    for (Thread t : clients) {
                        while (t.isAlive()) {
                            peak = Math.max(peak, rssKb());
                            threadsPeak = Math.max(threadsPeak, s.threads());
                            t.join(100);
                        }
                    }
                    double secs = (System.nanoTime() - t0) / 1e9;
                    long after = settledRssKb();
                    System.out.printf(Locale.ROOT, "http bench %s: 20000 /metrics in %.1f s (%d ok, %.0f/s); RSS %d MB before, peak %d MB, "
                                    + "after %d MB (%+d MB); pool threads peak %d; JVM threads %d before%n",
                            kind, secs, ok.get() - 200, 20000 / secs, before / 1024, peak / 1024, after / 1024, (after - before) / 1024,
                            threadsPeak, jvmThreadsBefore);

                    try (SocketAttack attack = new SocketAttack(port).open(500, 500)) {
                        long deadline = System.nanoTime() + Duration.ofSeconds(3).toNanos();
                        while (s.connections() < 1000 && System.nanoTime() < deadline) Thread.sleep(5);
                        List<Integer> codes = new ArrayList<>();
                        double[] ms = SocketAttack.probe(port, "/healthz", 200, 5, codes);
                        System.out.printf(Locale.ROOT, "http bench %s: attack %d connections held; /healthz %d/200 ok, p50 %.1f ms p99 %.1f ms "
                                        + "max %.1f ms; pool threads %d; RSS %d MB%n",
                                kind, s.connections(), codes.stream().filter(c -> c == 200).count(), SocketAttack.percentile(ms, 50),
                                SocketAttack.percentile(ms, 99), SocketAttack.percentile(ms, 100), s.threads(), rssKb() / 1024);
                    }
                }
            }
        }
    }
}
