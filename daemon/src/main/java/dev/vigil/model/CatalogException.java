package dev.vigil.model;

/**
 * A catalog name, file or entry that cannot be used. The message is one line naming the thing and the fix;
 * the CLI prints it as {@code vigil: <message>} and exits with {@link #exitCode()}:
 * <ul>
 *   <li>{@value #UNKNOWN} ({@link #unknown}): the request names nothing usable: an unknown catalog name, a missing
 *       model path, an invalid catalog or mirror setting. Fix the command line or the configuration.</li>
 *   <li>{@value #UNAVAILABLE} ({@link #unavailable}): a known model or image cannot be had: the download failed or
 *       stalled, the bytes have the wrong sha256, no URL serves the file. The same code as a model that fails to load
 *       ({@code dev.vigil.inference.ModelLoadException}): in both cases there is no usable model.</li>
 * </ul>
 */
public class CatalogException extends RuntimeException {

    public static final int UNKNOWN = 2;
    public static final int UNAVAILABLE = 3;

    private final int exitCode;

    private CatalogException(String message, int exitCode, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    public static CatalogException unknown(String message) {
        return new CatalogException(message, UNKNOWN, null);
    }

    public static CatalogException unavailable(String message) {
        return new CatalogException(message, UNAVAILABLE, null);
    }

    public static CatalogException unavailable(String message, Throwable cause) {
        return new CatalogException(message, UNAVAILABLE, cause);
    }

    public int exitCode() { return exitCode; }
}
