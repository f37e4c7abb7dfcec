package dev.vigil.capture;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One line for an {@link Error} out of a source, most often native code that cannot load: on a minimal arm64 system
 * FFmpeg's natives fail with {@code UnsatisfiedLinkError ... libva-drm.so.2: cannot open shared object file}, and what
 * the operator needs is the library and the Debian package that has it.
 */
final class NativeError {

    /** dlopen's message, as the JDK and JavaCPP pass it on. */
    private static final Pattern MISSING = Pattern.compile("(lib[\\w.+-]*?\\.so(?:\\.\\d+)*): cannot open shared object file");
    private static final Pattern SONAME = Pattern.compile("lib([\\w+-]*?)\\.so((?:\\.\\d+)*)");

    /** Where Debian's name is not the soname rule's (see {@link #debianPackage}); trixie names. */
    private static final Map<String, String> PACKAGES = Map.of(
            "libz.so.1", "zlib1g",
            "libstdc++.so.6", "libstdc++6",
            "libgomp.so.1", "libgomp1",
            "libasound.so.2", "libasound2t64");

    private NativeError() {}

    /**
     * @param natives what failed to load, for the message ("ffmpeg natives"); null to leave it out
     * @return {@code ffmpeg natives cannot load: libva-drm.so.2 missing; install libva-drm2}, or the error's own first
     *         line with its class when it names no shared library
     */
    static String reason(String natives, Throwable t) {
        String lib = missingLibrary(t);
        if (lib != null) return (natives == null ? "natives" : natives) + " cannot load: " + lib + " missing; install " + debianPackage(lib);
        String m = t.getMessage() == null ? "" : ": " + t.getMessage().strip().replaceAll("\\s*\\R\\s*", " ");
        return (natives == null ? "" : natives + " failed: ") + t.getClass().getSimpleName() + m;
    }

    /** The first shared library the error or one of its causes says could not be opened, or null. */
    static String missingLibrary(Throwable t) {
        Set<Throwable> seen = new HashSet<>();
        for (Throwable c = t; c != null && seen.add(c); c = c.getCause()) {
            String lib = find(c.getMessage());
            if (lib == null) lib = find(c.toString());
            if (lib != null) return lib;
            for (Throwable s : c.getSuppressed()) {
                lib = find(s.toString());
                if (lib != null) return lib;
            }
        }
        return null;
    }

    private static String find(String text) {
        if (text == null) return null;
        Matcher m = MISSING.matcher(text);
        return m.find() ? m.group(1) : null;
    }

    /**
     * Debian's library packages are named after the soname: {@code libva-drm.so.2} is in {@code libva-drm2}, a name
     * that ends in a digit takes a dash ({@code libfoo1.so.2} in {@code libfoo1-2}); a few exceptions are listed.
     */
    static String debianPackage(String soname) {
        String known = PACKAGES.get(soname);
        if (known != null) return known;
        Matcher m = SONAME.matcher(soname);
        if (!m.matches()) return soname;
        String base = "lib" + m.group(1);
        String version = m.group(2).isEmpty() ? "" : m.group(2).substring(1).split("\\.")[0];
        if (version.isEmpty()) return base;
        return Character.isDigit(base.charAt(base.length() - 1)) ? base + "-" + version : base + version;
    }
}
