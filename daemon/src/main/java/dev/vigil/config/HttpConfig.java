package dev.vigil.config;

/**
 * Where the HTTP endpoint (metrics, health, status) listens ({@code http: {listen: "127.0.0.1:8089"}}).
 *
 * @param host a host name or an IP address (IPv6 without brackets)
 * @param port 1..65535, or 0 for any free port (tests)
 */
public record HttpConfig(String host, int port) {

    public static final HttpConfig DEFAULT = new HttpConfig("127.0.0.1", 8089);

    /** {@code host:port}, with brackets around an IPv6 address. */
    public String listen() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
}
