package dev.vigil.power;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reading small sysfs attribute files; every path is below a root that tests point at a fixture tree. */
final class SysFiles {

    private SysFiles() {}

    static String text(Path file) throws IOException {
        return Files.readString(file, StandardCharsets.US_ASCII).strip();
    }

    /** The file's text, or null when it is missing or unreadable (an absent attribute is normal in sysfs). */
    static String textOrNull(Path file) {
        try {
            return Files.isRegularFile(file) ? text(file) : null;
        } catch (IOException e) {
            return null;
        }
    }

    static long number(Path file) throws IOException {
        String s = text(file);
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw new IOException(file + ": \"" + s + "\" is not a number");
        }
    }

    /** Entries of {@code dir} whose names match {@code glob}, sorted by name with numbers in numeric order; empty when dir is missing. */
    static List<Path> list(Path dir, String glob) {
        List<Path> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) return out;
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, glob)) {
            for (Path p : ds) out.add(p);
        } catch (IOException e) {
            return out;
        }
        out.sort((a, b) -> naturalCompare(a.getFileName().toString(), b.getFileName().toString()));
        return out;
    }

    /** Channel numbers N of files named {@code prefix N suffix} in dir, ascending. */
    static List<Integer> channels(Path dir, String prefix, String suffix) {
        Pattern p = Pattern.compile(Pattern.quote(prefix) + "(\\d+)" + Pattern.quote(suffix));
        List<Integer> out = new ArrayList<>();
        for (Path f : list(dir, prefix + "*" + suffix)) {
            Matcher m = p.matcher(f.getFileName().toString());
            if (m.matches()) out.add(Integer.parseInt(m.group(1)));
        }
        out.sort(Integer::compare);
        return out;
    }

    private static final Pattern DIGITS = Pattern.compile("(\\D*)(\\d*)");

    /** hwmon2 before hwmon10. */
    static int naturalCompare(String a, String b) {
        Matcher ma = DIGITS.matcher(a), mb = DIGITS.matcher(b);
        while (ma.find() && mb.find()) {
            if (ma.group().isEmpty() && mb.group().isEmpty()) break;
            int c = ma.group(1).compareTo(mb.group(1));
            if (c != 0) return c;
            String da = ma.group(2), db = mb.group(2);
            if (!da.isEmpty() && !db.isEmpty()) {
                c = Long.compare(Long.parseLong(da.length() > 18 ? da.substring(0, 18) : da),
                        Long.parseLong(db.length() > 18 ? db.substring(0, 18) : db));
                if (c != 0) return c;
            } else if (!da.equals(db)) {
                return da.compareTo(db);
            }
        }
        return a.compareTo(b);
    }
}
