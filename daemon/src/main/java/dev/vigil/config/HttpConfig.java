package dev.vigil.config;

import java.util.regex.Pattern;

/**
 * Where the HTTP endpoint (metrics, health, status) listens ({@code http: {listen: "127.0.0.1:8089"}}).
 *
 * @param host a host name or an IP address (IPv6 without brackets)
 * @param port 1..65535, or 0 for any free port (tests)
 */
public record HttpConfig(String host, int port) {

    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]+(%[A-Za-z0-9]+)?");

    public static final HttpConfig DEFAULT = new HttpConfig("127.0.0.1", 8089);

    public HttpConfig {
        if (host == null || !(host.contains(":") ? IPV6 : HOST).matcher(host).matches()) {
            throw ConfigException.at("listen", "\"" + (host != null && host.contains(":") ? "[" + host + "]" : host) + ":" + port + "\" is not host:port, e.g. 127.0.0.1:8089 or 0.0.0.0:8089");
        }
        if (port < 0 || port > 65535) throw ConfigException.at("listen", "port " + port + " is not within 0..65535");
    }

    /** {@code host:port}, with brackets around an IPv6 address. */
    public String listen() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
}
