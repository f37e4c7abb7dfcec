package dev.vigil.power;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a short command and returns its standard output; tests give canned output instead. */
@FunctionalInterface
public interface CommandRunner {

    /**
     * @throws IOException when the command cannot be started, exits non-zero or runs past {@code timeout}
     */
    String run(List<String> argv, Duration timeout) throws IOException;

    /** The real thing: a process, its output read to the end, killed when it overruns. */
    CommandRunner SYSTEM = (argv, timeout) -> {
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        ByteArrayOutputStream out = new ByteArrayOutputStream(2048);
        Thread reader = Thread.ofVirtual().start(() -> {
            try (InputStream in = p.getInputStream()) {
                in.transferTo(out);
            } catch (IOException e) {
                // the process was killed; what was read is kept
            }
        });
        try {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new IOException(argv.get(0) + " did not answer within " + timeout.toMillis() + " ms");
            }
            reader.join(timeout.toMillis());
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException(argv.get(0) + ": interrupted");
        }
        String text;
        synchronized (out) {
            text = out.toString(StandardCharsets.UTF_8);
        }
        if (p.exitValue() != 0) {
            String first = text.lines().findFirst().orElse("").strip();
            throw new IOException(argv.get(0) + " exited " + p.exitValue() + (first.isEmpty() ? "" : ": " + first));
        }
        return text;
    };
}
