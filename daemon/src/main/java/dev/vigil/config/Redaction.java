package dev.vigil.config;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Masks credentials in URLs before anything is logged or printed: {@code rtsp://user:secret@host/x} becomes
 * {@code rtsp://user:***@host/x}, and the values of query parameters such as {@code password=} or {@code token=}
 * become {@code ***}. Works on any text: every URL in it is masked (a command line, an error message). The pattern
 * cannot know where a password with a space ends; the exact values of {@link Secrets} are masked first.
 */
public final class Redaction {

    private static final Pattern URL = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]*://[^\\s\"'<>]*");
    private static final Pattern SECRET_PARAM = Pattern.compile(
            "([?&;](?:password|passwd|pass|pwd|token|access_token|secret|key|apikey|api_key|auth|sig|signature)=)[^&#;\\s]*",
            Pattern.CASE_INSENSITIVE);

    private Redaction() {}

    /** The text with every registered secret ({@link Secrets}) and the credentials of every URL in it masked. */
    public static String redact(String text) {
        text = Secrets.redact(text);
        if (text == null || !text.contains("://")) return text;
        Matcher m = URL.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) m.appendReplacement(out, Matcher.quoteReplacement(url(m.group())));
        m.appendTail(out);
        return out.toString();
    }

    private static String url(String url) {
        int start = url.indexOf("://") + 3;
        // The last '@' rather than the one inside the authority: a password with an unencoded '/' or '?' then stays
        // masked too (at worst a path with an '@' is masked as well, which is harmless).
        int at = url.lastIndexOf('@');
        String s = url;
        if (at > start) {
            int colon = url.indexOf(':', start);
            if (colon >= 0 && colon < at) s = url.substring(0, colon + 1) + "***" + url.substring(at);
        }
        return SECRET_PARAM.matcher(s).replaceAll("$1***");
    }
}
