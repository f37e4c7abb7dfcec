package dev.vigil.config;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Where the HTTP endpoint (metrics, health, status) listens and who may use it
 * ({@code http: {listen: "0.0.0.0:8089", auth: token, token_file: /etc/vigil/http-token, metrics_public: false}}).
 *
 * @param host          a host name or an IP address (IPv6 without brackets)
 * @param port          1..65535, or 0 for any free port (tests)
 * @param auth          {@code token} or {@code none} as written; empty when not written (see {@link #credentialRequired()})
 * @param tokenFile     the file holding the token (written by the package, printed and rotated by {@code vigil token})
 * @param metricsPublic whether {@code /metrics} answers without a credential (a scraper that cannot send a token)
 */
public record HttpConfig(String host, int port, Optional<Auth> auth, Path tokenFile, boolean metricsPublic) {

    /** How requests prove they may read the API and the page. */
    public enum Auth {
        /** A bearer token, or a session cookie from the login form whose password is the token. */
        TOKEN,
        /** Nothing: anyone who reaches the address reads everything. */
        NONE;

        public String word() { return name().toLowerCase(Locale.ROOT); }
    }

    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]+(%[A-Za-z0-9]+)?");

    /** Where the package's postinst writes the token. */
    public static final Path DEFAULT_TOKEN_FILE = Path.of("/etc/vigil/http-token");

    public static final HttpConfig DEFAULT = new HttpConfig("127.0.0.1", 8089);

    public HttpConfig {
        if (host == null || !(host.contains(":") ? IPV6 : HOST).matcher(host).matches()) {
            throw ConfigException.at("listen", "\"" + (host != null && host.contains(":") ? "[" + host + "]" : host) + ":" + port + "\" is not host:port, e.g. 127.0.0.1:8089 or 0.0.0.0:8089");
        }
        if (port < 0 || port > 65535) throw ConfigException.at("listen", "port " + port + " is not within 0..65535");
        Objects.requireNonNull(auth, "auth");
        Objects.requireNonNull(tokenFile, "tokenFile");
    }

    /** {@code host:port} with the defaults for the rest: open on loopback, a token elsewhere. */
    public HttpConfig(String host, int port) {
        this(host, port, Optional.empty(), DEFAULT_TOKEN_FILE, false);
    }

    /** {@code host:port}, with brackets around an IPv6 address. */
    public String listen() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }

    /**
     * Whether only this machine can connect: {@code localhost} or a loopback address. Any other host name counts as
     * reachable from the network (deciding it would need a name lookup, and a lookup can change).
     */
    public boolean loopback() {
        if (host.equalsIgnoreCase("localhost")) return true;
        if (!host.contains(":") && !host.matches("[0-9.]+")) return false;
        try {
            return InetAddress.ofLiteral(host.replaceFirst("%.*$", "")).isLoopbackAddress();
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /**
     * Whether requests other than the public ones need a credential: as {@code auth} says when it is written, else
     * only off loopback (the demo on 127.0.0.1 needs nothing; a LAN address needs the token).
     */
    public boolean credentialRequired() {
        return auth.map(a -> a == Auth.TOKEN).orElse(!loopback());
    }
}
