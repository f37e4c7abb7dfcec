package dev.vigil.model;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodySubscriber;
import java.net.http.HttpResponse.BodySubscribers;
import java.net.http.HttpTimeoutException;
import java.net.http.HttpRequest;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.UnresolvedAddressException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Puts an artifact's exact bytes into a folder: written to a temporary file in that folder, checked against the
 * catalog's sha256, flushed to disk, then renamed into place in one step. A reader never sees a partial or wrong file,
 * and a failed transfer leaves nothing behind.
 */
public final class Downloader {

    public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(20);
    public static final Duration STALL_TIMEOUT = Duration.ofSeconds(30);

    private final Duration connectTimeout;
    private final Duration stallTimeout;
    private final Progress progress;
    private final URI base;

    /**
     * @param stallTimeout how long a download may go without receiving a byte (headers included) before it is abandoned
     */
    public Downloader(Duration connectTimeout, Duration stallTimeout, Progress progress) {
        this(connectTimeout, stallTimeout, progress, null);
    }

    private Downloader(Duration connectTimeout, Duration stallTimeout, Progress progress, URI base) {
        this.connectTimeout = connectTimeout;
        this.stallTimeout = stallTimeout;
        this.progress = progress;
        this.base = base;
    }

    /**
     * The same downloader fetching each URL's path from {@code base} instead of the URL's own host ({@code
     * https://github.com/a/b} from {@code http://127.0.0.1:8000/} is {@code http://127.0.0.1:8000/a/b}): the test-only
     * setting that lets a local server stand in for the public hosts, so the download path is tested without them.
     */
    public Downloader withBaseUrl(URI base) {
        return new Downloader(connectTimeout, stallTimeout, progress, base);
    }

    public static Downloader standard() {
        return new Downloader(CONNECT_TIMEOUT, STALL_TIMEOUT, Progress.stderr());
    }

    /** Downloads {@code a.url()} into {@code dir}, returning the installed file. */
    public Path download(Artifact a, Path dir) {
        if (a.url() == null) {
            throw CatalogException.unavailable(a.file() + " has no download URL" + (a.origin() == null ? "" : ": it ships in "
                    + a.origin()) + "; put it in " + dir + " or in a mirror folder (VIGIL_MIRROR)");
        }
        URI url = base == null || "file".equalsIgnoreCase(a.url().getScheme()) ? a.url()
                : URI.create(base.toString().replaceFirst("/+$", "") + a.url().getRawPath());
        return install(a, dir, "download of " + a.file() + " from " + url, tmp -> {
            if ("file".equalsIgnoreCase(url.getScheme())) {
                copy(Path.of(url), tmp);
            } else {
                fetch(url, tmp, a);
            }
        });
    }

    /** Copies a local file (e.g. a mirror copy) into {@code dir} with the same checks as a download. */
    public Path copy(Artifact a, Path source, Path dir) {
        return install(a, dir, "copy of " + a.file() + " from " + source, tmp -> copy(source, tmp));
    }

    private interface Transfer {
        void into(Path tmp) throws IOException;
    }

    private Path install(Artifact a, Path dir, String what, Transfer transfer) {
        Path tmp = null;
        try {
            Files.createDirectories(dir);
            tmp = Files.createTempFile(dir, "." + a.file() + ".", ".part");
            readableByAll(tmp);
            transfer.into(tmp);
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            long size = Files.size(tmp);
            String actual = Sha256.compute(tmp);
            if (!actual.equals(a.sha256())) {
                throw CatalogException.unavailable(what + ": sha256 " + actual + " (" + size + " bytes), expected "
                        + a.sha256() + " (" + a.size() + " bytes); nothing was installed, the source serves other bytes"
                        + " than the catalog names");
            }
            Path target = dir.resolve(a.file());
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            tmp = null;
            syncDirectory(dir);
            return target;
        } catch (IOException | UncheckedIOException e) {
            throw CatalogException.unavailable(what + " failed: " + e.getMessage() + "; check that " + dir
                    + " is writable and has room", e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // A leftover .part file is hidden and harmless; the next install uses a new name.
                }
            }
        }
    }

    private static void copy(Path source, Path tmp) throws IOException {
        if (!Files.isRegularFile(source)) throw new IOException(source + " does not exist");
        Files.copy(source, tmp, StandardCopyOption.REPLACE_EXISTING);
    }

    // HttpRequest.timeout covers only the wait for headers; a body that stalls halfway would block a reader forever.
    // So the body goes to the file asynchronously and this thread watches the byte count, cancelling the exchange
    // when nothing (headers or body) arrives for stallTimeout.
    private void fetch(URI url, Path tmp, Artifact a) {
        String what = "download of " + a.file() + " from " + url;
        String fix = "; check the network, or set VIGIL_MIRROR to a folder holding " + a.file();
        HttpClient client = HttpClient.newBuilder()
                .connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NORMAL)
                .build();
        AtomicLong received = new AtomicLong();
        AtomicLong total = new AtomicLong(a.size());
        try {
            HttpRequest request = HttpRequest.newBuilder(url)
                    .header("User-Agent", "vigil")
                    .GET()
                    .build();
            CompletableFuture<HttpResponse<Path>> response = client.sendAsync(request, info -> {
                if (info.statusCode() != 200) return BodySubscribers.replacing(null);
                info.headers().firstValueAsLong("Content-Length").ifPresent(total::set);
                return new Counting<>(BodySubscribers.ofFile(tmp), received);
            });
            long seen = -1;
            long lastChange = System.nanoTime();
            HttpResponse<Path> done;
            while (true) {
                try {
                    done = response.get(100, TimeUnit.MILLISECONDS);
                    break;
                } catch (TimeoutException tick) {
                    long now = received.get();
                    if (now != seen) {
                        seen = now;
                        lastChange = System.nanoTime();
                        progress.update(a.file(), now, total.get());
                    } else if (System.nanoTime() - lastChange > stallTimeout.toNanos()) {
                        response.cancel(true);
                        progress.end(a.file(), now, total.get());
                        throw CatalogException.unavailable(what + " stalled: no data for " + seconds(stallTimeout)
                                + " after " + now + " of " + total.get() + " bytes" + fix);
                    }
                }
            }
            progress.end(a.file(), received.get(), total.get());
            if (done.statusCode() != 200) {
                throw CatalogException.unavailable(what + " failed: HTTP " + done.statusCode() + fix);
            }
        } catch (ExecutionException e) {
            progress.end(a.file(), received.get(), total.get());
            Throwable cause = e.getCause();
            String why = switch (cause) {
                case HttpConnectTimeoutException t -> "could not connect within " + seconds(connectTimeout);
                case HttpTimeoutException t -> "no response for " + seconds(stallTimeout);
                case ConnectException c when c.getCause() instanceof UnresolvedAddressException ->
                        "could not connect (unknown host " + url.getHost() + ")";
                case ConnectException c -> "could not connect (" + (c.getMessage() == null ? "refused or unreachable" : c.getMessage()) + ")";
                case null -> "unknown error";
                default -> cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
            };
            throw CatalogException.unavailable(what + " failed: " + why + fix, cause);
        } catch (CancellationException e) {
            throw CatalogException.unavailable(what + " was cancelled" + fix, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw CatalogException.unavailable(what + " was interrupted", e);
        } finally {
            client.shutdownNow();
        }
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() / 1000.0 + " s";
    }

    // Temporary files start owner-only; an installed model must also be readable by a daemon running as another user.
    private static void readableByAll(Path file) throws IOException {
        if (Files.getFileStore(file).supportsFileAttributeView(PosixFileAttributeView.class)) {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        }
    }

    private static void syncDirectory(Path dir) {
        // Makes the rename itself durable; not every platform can open a folder for this, and the file is safe anyway.
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException ignored) {
            // best effort
        }
    }

    /** Counts the bytes on their way to the file so the waiting thread can show progress and spot a stall. */
    private record Counting<T>(BodySubscriber<T> inner, AtomicLong count) implements BodySubscriber<T> {
        @Override public CompletionStage<T> getBody() { return inner.getBody(); }
        @Override public void onSubscribe(Flow.Subscription subscription) { inner.onSubscribe(subscription); }
        @Override public void onNext(List<ByteBuffer> item) {
            long n = 0;
            for (ByteBuffer b : item) n += b.remaining();
            count.addAndGet(n);
            inner.onNext(item);
        }
        @Override public void onError(Throwable throwable) { inner.onError(throwable); }
        @Override public void onComplete() { inner.onComplete(); }
    }
}
