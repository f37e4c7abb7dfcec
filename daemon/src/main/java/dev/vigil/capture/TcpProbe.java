package dev.vigil.capture;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Locale;
import java.util.function.BooleanSupplier;

/**
 * A stream's cheap probe: does anything accept a TCP connection on the URL's host and port? The connection is closed
 * at once, before a byte is sent. A TCP connect rather than an HTTP HEAD or an RTSP OPTIONS: it is what every server
 * answers, costs the camera nothing, and an MJPEG endpoint may answer HEAD with the stream itself. A server that
 * accepts but cannot stream is the backoff's business, not the probe's. A server that serves exactly one client and
 * then exits ({@code ffmpeg -listen 1}) spends that client on the probe; cameras and stream servers take several.
 */
final class TcpProbe implements BooleanSupplier {

    /** Long enough for a LAN or a VPN hop, short enough that a dead host costs at most one probe period. */
    static final Duration MAX_TIMEOUT = Duration.ofSeconds(1);

    private final String host;
    private final int port;
    private final int timeoutMs;

    /** @param url an rtsp:// or http(s):// URL that {@link SourceSpec.Stream} accepted */
    TcpProbe(String url, Duration connectTimeout) {
        String rest = url.substring(url.indexOf("://") + 3);
        // As FFmpeg splits it: the authority ends at the first '/', '?' or '#', the host follows its last '@'. When
        // that leaves no host (a password holding '/', '?' or '#' unescaped), the host follows the URL's last '@'.
        // Only the host part is ever parsed, so no part of a credential can reach an exception message.
        String authority = hostPart(authority(rest));
        if (!HOST.matcher(authority).matches()) authority = authority(rest.substring(rest.lastIndexOf('@') + 1));
        String scheme = url.substring(0, url.indexOf("://")).toLowerCase(Locale.ROOT);
        int defaultPort = switch (scheme) {
            case "rtsp" -> 554;
            case "https" -> 443;
            default -> 80;
        };
        // URI parses [v6]:port and host:port alike; a host it refuses is probed as written (the connect then fails)
        URI u;
        try {
            u = new URI("x://" + authority);
        } catch (URISyntaxException e) {
            u = null;
        }
        this.host = u != null && u.getHost() != null ? u.getHost() : authority.replaceFirst(":\\d+$", "");
        this.port = u != null && u.getPort() > 0 ? u.getPort() : defaultPort;
        Duration t = connectTimeout.compareTo(MAX_TIMEOUT) < 0 ? connectTimeout : MAX_TIMEOUT;
        this.timeoutMs = (int) Math.max(1, t.toMillis());
    }

    private static final java.util.regex.Pattern HOST =
            java.util.regex.Pattern.compile("(\\[[0-9A-Fa-f:.]+\\]|[A-Za-z0-9._-]+)(:\\d{1,5})?");

    private static String authority(String rest) {
        int end = rest.length();
        for (char c : new char[] {'/', '?', '#'}) {
            int i = rest.indexOf(c);
            if (i >= 0) end = Math.min(end, i);
        }
        return rest.substring(0, end);
    }

    private static String hostPart(String authority) {
        return authority.substring(authority.lastIndexOf('@') + 1);
    }

    String host() {
        return host;
    }

    int port() {
        return port;
    }

    @Override
    public boolean getAsBoolean() {
        try (Socket s = new Socket()) {
            // Resolved on each probe: a camera that comes back on a new DHCP address is found (the JDK caches lookups).
            s.connect(new InetSocketAddress(host, port), timeoutMs);
            return true;
        } catch (IOException | IllegalArgumentException | SecurityException e) {
            return false;
        }
    }
}
