package dev.vigil.http;

import dev.vigil.config.HttpConfig;
import dev.vigil.time.TimeSource;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who may read the API and the page: the token from {@code http.token_file} (as a bearer token, or as the password of
 * the login form that hands out a session cookie), and a limit on wrong guesses per client address.
 *
 * <p>The token is compared in constant time. The file is read again when it changes (a {@code vigil token --rotate}
 * takes effect without a restart, and ends every session made with the old one). Sessions and the failure record
 * live in memory, both bounded: a flood of logins or of clients cannot grow them.
 */
final class Access {

    private static final Logger log = LoggerFactory.getLogger(Access.class);

    static final String COOKIE = "vigil_session";
    static final Duration SESSION_TTL = Duration.ofHours(12);
    static final int MAX_FAILURES = 5;
    static final Duration FAILURE_WINDOW = Duration.ofMinutes(1);
    static final int MIN_TOKEN_CHARS = 16, MAX_SESSIONS = 256, MAX_CLIENTS = 4096;

    /** What a request's credential is worth. */
    enum Outcome { GRANTED, MISSING, DENIED, LIMITED }

    /** An outcome; {@code retryAfterSeconds} is set for {@link Outcome#LIMITED}. */
    record Decision(Outcome outcome, long retryAfterSeconds) {
        static final Decision GRANTED = new Decision(Outcome.GRANTED, 0), MISSING = new Decision(Outcome.MISSING, 0),
                DENIED = new Decision(Outcome.DENIED, 0);
    }

    private final HttpConfig http;
    private final TimeSource time;
    private final SecureRandom random = new SecureRandom();
    private final Object lock = new Object();
    private byte[] token;       // null when no credential is required
    private Object tokenStamp;  // the file's identity, time and size when last read
    /** SHA-256 of a session id (hex) to its expiry (nanos of {@link #time}): a lookup reveals nothing by its timing. */
    private final LinkedHashMap<String, Long> sessions = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Long> e) { return size() > MAX_SESSIONS; }
    };
    private final LinkedHashMap<String, ArrayDeque<Long>> failures = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, ArrayDeque<Long>> e) { return size() > MAX_CLIENTS; }
    };

    private Access(HttpConfig http, TimeSource time) {
        this.http = http;
        this.time = time;
    }

    /**
     * The access rules of {@code http}, with the token read when one is required.
     *
     * @throws IllegalArgumentException one line naming http.listen / http.auth / http.token_file and the fix, when a
     *                                  credential is required and the token file gives no usable token
     */
    static Access of(HttpConfig http, TimeSource time) {
        Access a = new Access(http, time);
        if (!http.credentialRequired()) return a;
        Path f = http.tokenFile();
        String why = a.reload();
        if (why != null) {
            String rule = http.auth().isPresent() ? "http.auth is token" : "http.listen " + http.listen() + " is reachable from the network";
            throw new IllegalArgumentException(rule + " but http.token_file " + f + " " + why + "; create it with `vigil token --rotate --file "
                    + f + "`" + (http.auth().isPresent() ? "" : ", listen on 127.0.0.1, or write http: {auth: none} to serve without authentication"));
        }
        return a;
    }

    boolean required() { return http.credentialRequired(); }

    /**
     * Whether the commands (the POST endpoints that arm, disarm, pulse...) need a credential. As the reads when a
     * credential is required or {@code http.auth: none} is written out. On loopback with {@code http.auth} not written,
     * the reads are open (the demo), but a command changes the alarm, so it needs the token whenever the token file holds
     * a usable one (the package writes one): another local user who can reach 127.0.0.1 but not read the file cannot
     * disarm the door. Without a usable token file the commands stay open on loopback, like the reads.
     */
    boolean controlRequired() {
        if (required()) return true;
        if (http.auth().isPresent()) return false;
        return reload() == null;
    }

    HttpConfig http() { return http; }

    /** Reads the token file when it changed; null when a usable token is held, else why not (after "http.token_file F "). */
    private String reload() {
        Path f = http.tokenFile();
        synchronized (lock) {
            try {
                BasicFileAttributes at = Files.readAttributes(f, BasicFileAttributes.class);
                Object stamp = java.util.List.of(Objects.toString(at.fileKey()), at.lastModifiedTime(), at.size());
                if (stamp.equals(tokenStamp)) return null;
                String t = Files.readString(f, StandardCharsets.UTF_8).strip();
                if (t.length() < MIN_TOKEN_CHARS) return "holds " + t.length() + " characters, fewer than " + MIN_TOKEN_CHARS;
                if (token != null) log.info("http: the token in {} changed; sessions made with the old one ended", f);
                token = t.getBytes(StandardCharsets.UTF_8);
                tokenStamp = stamp;
                sessions.clear();
                return null;
            } catch (NoSuchFileException e) {
                return "does not exist";
            } catch (IOException e) {
                return "cannot be read (" + e.getMessage() + ")";
            }
        }
    }

    /** The current token, the last good one when the file became unusable (logged; never an open door). */
    private byte[] token() {
        String why = reload();
        if (why != null) log.warn("http: http.token_file {} {}; still using the token read before", http.tokenFile(), why);
        synchronized (lock) {
            return token;
        }
    }

    /**
     * Whether a request may pass: its {@code Authorization} header (a bearer token) or its session cookie, either may
     * be null. A wrong token counts against {@code client}; past the limit every credential from it is refused unseen.
     */
    Decision check(String authorization, String session, String client) {
        return required() ? verify(authorization, session, client) : Decision.GRANTED;
    }

    /** As {@link #check}, for a command: see {@link #controlRequired()}. */
    Decision checkControl(String authorization, String session, String client) {
        return controlRequired() ? verify(authorization, session, client) : Decision.GRANTED;
    }

    private Decision verify(String authorization, String session, String client) {
        if (authorization != null) {
            if (!authorization.regionMatches(true, 0, "Bearer ", 0, 7)) return Decision.DENIED;
            return guess(authorization.substring(7).strip(), client);
        }
        if (session != null && sessionValid(session)) return Decision.GRANTED;
        return Decision.MISSING;
    }

    /** A login with {@code password}: granted when it is the token, and while {@code client} is not past the limit. */
    Decision login(String password, String client) {
        return guess(password == null ? "" : password, client);
    }

    /** A new session, valid for {@link #SESSION_TTL}; its id goes in the cookie. */
    String newSession() {
        byte[] id = new byte[32];
        random.nextBytes(id);
        String s = Base64.getUrlEncoder().withoutPadding().encodeToString(id);
        synchronized (lock) {
            sessions.put(digest(s), time.nanoTime() + SESSION_TTL.toNanos());
        }
        return s;
    }

    void endSession(String session) {
        if (session == null) return;
        synchronized (lock) {
            sessions.remove(digest(session));
        }
    }

    private boolean sessionValid(String session) {
        token(); // a changed token ends the sessions first
        String key = digest(session);
        synchronized (lock) {
            Long expiry = sessions.get(key);
            if (expiry == null) return false;
            if (time.nanoTime() - expiry < 0) return true;
            sessions.remove(key);
            return false;
        }
    }

    private Decision guess(String presented, String client) {
        long now = time.nanoTime();
        synchronized (lock) {
            long wait = waitNanos(client, now);
            if (wait > 0) return new Decision(Outcome.LIMITED, Math.max(1, (wait + 999_999_999L) / 1_000_000_000L));
        }
        if (MessageDigest.isEqual(presented.getBytes(StandardCharsets.UTF_8), token())) {
            synchronized (lock) {
                failures.remove(client);
            }
            return Decision.GRANTED;
        }
        synchronized (lock) {
            failures.computeIfAbsent(client, c -> new ArrayDeque<>()).addLast(now);
        }
        log.info("http: a wrong token from {}", client);
        return Decision.DENIED;
    }

    /** How long {@code client} must wait before its next guess counts (0: it may guess now). Holds {@link #lock}. */
    private long waitNanos(String client, long now) {
        ArrayDeque<Long> f = failures.get(client);
        if (f == null) return 0;
        long window = FAILURE_WINDOW.toNanos();
        while (!f.isEmpty() && now - f.peekFirst() >= window) f.removeFirst();
        if (f.isEmpty()) {
            failures.remove(client);
            return 0;
        }
        return f.size() < MAX_FAILURES ? 0 : f.peekFirst() + window - now;
    }

    private static String digest(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
