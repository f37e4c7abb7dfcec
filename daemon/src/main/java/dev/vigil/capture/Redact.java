package dev.vigil.capture;

import dev.vigil.config.Secrets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Camera URLs carry passwords ({@code rtsp://admin:secret@door/stream}, {@code http://cam/video?pwd=secret}). Anything
 * that may reach a log line, an exception message or the metrics goes through here first. The config's secrets
 * ({@link Secrets}) are masked by value before the patterns run, whatever characters they hold.
 */
public final class Redact {

    private Redact() {}

    /**
     * scheme://user:password@ and scheme://token@ (the user part alone may be the secret). Greedy up to the last '@'
     * before the path, because passwords may contain an unescaped '@'.
     */
    private static final Pattern USERINFO = Pattern.compile("(?i)\\b([a-z][a-z0-9+.-]*://)([^/\\s?#]*)@");

    /** Query parameters that cameras use for credentials. */
    private static final Pattern SECRET_PARAM = Pattern.compile(
            "(?i)([?&;](?:password|passwd|pass|pwd|token|access_token|auth|key|apikey|api_key|secret|signature|sig)=)([^&#\\s]*)");

    /**
     * {@code rtsp://user:pw@host/x} becomes {@code rtsp://user:***@host/x}, {@code rtsp://token@host} becomes
     * {@code rtsp://***@host}, and secret-looking query values become {@code ***}. Null stays null.
     */
    public static String url(String url) {
        return url == null ? null : text(url);
    }

    /** Redacts every URL inside free text (FFmpeg error messages quote the URL they failed to open). */
    public static String text(String s) {
        s = Secrets.redact(s);
        if (s == null || s.indexOf('@') < 0 && s.indexOf('=') < 0) return s;
        Matcher m = USERINFO.matcher(s);
        StringBuilder out = new StringBuilder(s.length());
        while (m.find()) {
            String userinfo = m.group(2);
            int colon = userinfo.indexOf(':');
            String kept = colon >= 0 ? userinfo.substring(0, colon) + ":***" : "***";
            m.appendReplacement(out, Matcher.quoteReplacement(m.group(1) + kept + "@"));
        }
        m.appendTail(out);
        return SECRET_PARAM.matcher(out).replaceAll("$1***");
    }
}
