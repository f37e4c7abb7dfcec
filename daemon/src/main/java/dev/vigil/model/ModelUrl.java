package dev.vigil.model;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A model given as {@code https://host/model.tflite#sha256=HEX}: the way a model retrained on a server comes back to
 * the devices ({@code vigil models deploy URL}). The sha256 is required: the file is downloaded into the model store
 * ({@code <home>/models/url/<sha256>.tflite}), kept only when its bytes have that hash, and then loaded like any
 * file (the deploy's self-test follows). A file already there with that hash is not downloaded again.
 */
public final class ModelUrl {

    private static final Pattern URL = Pattern.compile("(https?://[^#\\s]+)(?:#sha256=([0-9a-fA-F]*))?");
    private static final HttpClient HTTP = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL)
            .connectTimeout(Duration.ofSeconds(15)).build();

    private ModelUrl() {}

    /** Whether {@code spec} is a URL (then {@link #fetch} takes it, whatever else it holds). */
    public static boolean is(String spec) {
        String s = spec.strip().toLowerCase(Locale.ROOT);
        return s.startsWith("http://") || s.startsWith("https://");
    }

    /** The model file in {@code dir}, downloaded and verified; a problem is one line (CatalogException). */
    public static Path fetch(String spec, Path dir) {
        Matcher m = URL.matcher(spec.strip());
        if (!m.matches()) throw CatalogException.unknown("model " + spec + " is not a URL as https://host/model.tflite#sha256=HEX");
        if (m.group(2) == null || m.group(2).length() != 64)
            throw CatalogException.unknown("model " + m.group(1) + ": give its sha256 (64 hex digits) as " + m.group(1)
                    + "#sha256=HEX or with --sha256; a model from a URL is never loaded unchecked");
        String url = m.group(1), want = m.group(2).toLowerCase(Locale.ROOT);
        Path file = dir.resolve(want + ".tflite");
        if (Files.isRegularFile(file) && want.equals(Sha256.of(file))) return file;
        Path tmp = null;
        try {
            Files.createDirectories(dir);
            tmp = Files.createTempFile(dir, ".download-", ".tmp");
            HttpResponse<InputStream> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofMinutes(5)).GET().build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            try (InputStream in = r.body(); OutputStream out = new DigestOutputStream(Files.newOutputStream(tmp), md)) {
                if (r.statusCode() != 200) throw CatalogException.unavailable("model " + url + ": the server answered HTTP " + r.statusCode());
                in.transferTo(out);
            }
            String got = HexFormat.of().formatHex(md.digest());
            if (!got.equals(want))
                throw CatalogException.unavailable("model " + url + " has sha256 " + got + ", not the " + want + " given; refused (a changed or"
                        + " damaged file, or the wrong sha256)");
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            tmp = null;
            return file;
        } catch (IOException e) {
            throw CatalogException.unavailable("model " + url + " cannot be downloaded: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw CatalogException.unavailable("model " + url + ": the download was interrupted", e);
        } catch (IllegalArgumentException e) {
            throw CatalogException.unknown("model " + url + " is not a URL: " + e.getMessage());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        } finally {
            if (tmp != null) try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // a temporary file left in the store's folder; harmless
            }
        }
    }
}
