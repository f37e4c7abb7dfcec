package dev.vigil.capture;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.bytedeco.opencv.opencv_core.Mat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A process whose stdout is a video stream (rpicam-vid, a GStreamer pipeline), decoded by FFmpeg from the pipe. Its
 * stderr goes to the log at debug. It gets a minimal environment ({@link SourceSpec.Command#childEnvironment}), not
 * the daemon's, which holds the config's secrets. The camera restarts it when it exits; abort() and close() kill it with its children
 * (a shell script's ffmpeg or gst-launch would otherwise keep the camera busy).
 */
final class CommandSource implements FrameSource {

    private static final Logger log = LoggerFactory.getLogger(CommandSource.class);

    private final SourceSpec.Command spec;
    private final String camera;
    private final String description;
    private final FfmpegSource decoder;
    private volatile Process process;
    private Thread stderrPump;

    CommandSource(SourceSpec.Command spec, String camera, Duration stallLimit) {
        this.spec = spec;
        this.camera = camera;
        this.description = "command " + Redact.text(String.join(" ", spec.argv()));
        this.decoder = FfmpegSource.pipe(this::stdout, description, !spec.restart(), stallLimit);
    }

    /**
     * The pipe, with read errors turned into end of file: the process was killed or its pipe closed, which the camera
     * handles as an exit (JavaCV would print the exception to stderr and report an error instead).
     */
    private InputStream stdout() {
        return new java.io.FilterInputStream(process.getInputStream()) {
            @Override
            public int read(byte[] b, int off, int len) {
                try {
                    return super.read(b, off, len);
                } catch (IOException e) {
                    log.debug("camera {}: command stdout: {}", camera, e.toString());
                    return -1;
                }
            }
        };
    }

    @Override
    public void open() throws IOException {
        close();
        ProcessBuilder pb = new ProcessBuilder(List.copyOf(spec.argv()));
        pb.environment().clear();
        pb.environment().putAll(spec.childEnvironment(System.getenv()));
        pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new IOException("cannot start " + spec.argv().getFirst() + ": " + e.getMessage());
        }
        process = p;
        stderrPump = Thread.ofPlatform().daemon().name("capture-" + camera + "-stderr").start(() -> pump(p));
        try {
            decoder.open();
        } catch (IOException e) {
            String exit = exitNote();
            close();
            // FFmpeg's view of an empty pipe ("No such file or directory") says less than the exit status.
            throw new IOException(exit.isEmpty() ? e.getMessage() : exit.substring(2) + " before its first frame");
        }
    }

    private void pump(Process p) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) log.debug("camera {} command: {}", camera, Redact.text(line));
        } catch (IOException e) {
            // The process was killed: its stderr closes under us.
        }
    }

    /** ", command exited with status 3" when the process is gone, so the reason names the culprit. */
    private String exitNote() {
        Process p = process;
        if (p == null) return "";
        try {
            if (p.waitFor(200, TimeUnit.MILLISECONDS)) return "; command exited with status " + p.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return "";
    }

    @Override
    public String read(Mat dst) throws IOException {
        String ref = decoder.read(dst);
        if (ref == null) {
            String exit = exitNote();
            if (!exit.isEmpty() && !finite()) throw new IOException(exit.substring(2));
        }
        return ref;
    }

    /**
     * The program is there to run (on the PATH, or at its path): cheap, and true for a program that runs but fails (a
     * camera busy elsewhere), which the backoff paces. A USB camera's tool that is missing until a package is installed
     * starts within a probe period of its installation.
     */
    @Override
    public boolean reachable() {
        String program = spec.argv().getFirst();
        if (program.contains("/")) return java.nio.file.Files.isExecutable(java.nio.file.Path.of(program));
        String path = System.getenv("PATH");
        if (path == null) return true;
        for (String dir : path.split(java.io.File.pathSeparator)) {
            if (!dir.isEmpty() && java.nio.file.Files.isExecutable(java.nio.file.Path.of(dir, program))) return true;
        }
        return false;
    }

    @Override
    public double pace() {
        return 0;
    }

    @Override
    public boolean finite() {
        return !spec.restart();
    }

    @Override
    public Duration stallLimit() {
        return decoder.stallLimit();
    }

    /** Kills the process: the blocked pipe read returns end of file. */
    @Override
    public void abort() {
        Process p = process;
        if (p == null) return;
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
    }

    /** SIGTERM first so a camera tool can release the sensor, SIGKILL for whatever is left after 500 ms. */
    private static void stop(Process p) throws InterruptedException {
        List<ProcessHandle> family = new java.util.ArrayList<>(p.descendants().toList());
        family.add(p.toHandle());
        family.forEach(ProcessHandle::destroy);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(500);
        for (ProcessHandle h : family) {
            long left = deadline - System.nanoTime();
            try {
                if (left > 0) h.onExit().get(left, TimeUnit.NANOSECONDS);
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                // killed below
            }
        }
        family.forEach(ProcessHandle::destroyForcibly);
    }

    @Override
    public String describe() {
        return description;
    }

    @Override
    public void close() {
        Process p = process;
        try {
            if (p != null) stop(p);
            decoder.close();
            if (p != null) {
                p.waitFor(1, TimeUnit.SECONDS);
                if (stderrPump != null) stderrPump.join(500);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            decoder.close();
        }
        process = null;
        stderrPump = null;
    }
}
