package dev.vigil.capture;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * An image file's width and height, read from its header before OpenCV decodes it. OpenCV allocates the whole
 * image as its header claims (a 389 KB PNG of 20000x20000 zeros took 1.3 GB) and throws past its own limit, so
 * every file the folder source and the CLI decode is checked here first, against a pixel cap.
 * Covers the formats they accept: PNG, JPEG, BMP, WebP, TIFF and PNM; anything else is refused.
 */
public record ImageHeader(String format, long width, long height) {

    /** Fits 4K (3840x2160) and square 4096x4096 photos; a BGR Mat of this size is 48 MB. */
    public static final long DEFAULT_MAX_PIXELS = 4096L * 4096L;

    /** Enough for every header below (a JPEG's SOF may follow EXIF and ICC segments, read on demand). */
    private static final int HEAD = 64 * 1024;

    public long pixels() {
        return width * height;
    }

    /**
     * The file's header, checked against maxPixels; throws {@link FrameSource.CorruptFrameException} with one line
     * naming the file and why when it cannot be read, is not a known format, or is too large.
     */
    public static ImageHeader check(Path file, long maxPixels) throws FrameSource.CorruptFrameException {
        ImageHeader h;
        try {
            h = read(file);
        } catch (IOException e) {
            throw new FrameSource.CorruptFrameException(file + ": cannot decode image (" + e.getMessage() + ")");
        }
        if (h.width <= 0 || h.height <= 0) {
            throw new FrameSource.CorruptFrameException(file + ": cannot decode image (" + h.format + " header gives " + h.width + "x" + h.height + ")");
        }
        if (h.pixels() > maxPixels) {
            throw new FrameSource.CorruptFrameException(file + ": " + h.format + " of " + h.width + "x" + h.height + " = "
                    + h.pixels() + " pixels is over the limit of " + maxPixels + " (max_image_pixels)");
        }
        return h;
    }

    /** The header of file; IOException with a short reason when it is not one of the known formats or is cut short. */
    public static ImageHeader read(Path file) throws IOException {
        byte[] head;
        try (InputStream in = Files.newInputStream(file)) {
            head = in.readNBytes(HEAD);
        }
        ByteBuffer b = ByteBuffer.wrap(head);
        if (starts(head, 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A)) {
            if (head.length < 24 || !ascii(head, 12, "IHDR")) throw new IOException("PNG without IHDR");
            return new ImageHeader("PNG", u32(b.order(ByteOrder.BIG_ENDIAN), 16), u32(b, 20));
        }
        if (starts(head, 0xFF, 0xD8)) return jpeg(b.order(ByteOrder.BIG_ENDIAN));
        if (starts(head, 'B', 'M')) {
            if (head.length < 26) throw new IOException("BMP header cut short");
            b.order(ByteOrder.LITTLE_ENDIAN);
            long size = b.getInt(14) & 0xFFFFFFFFL;
            // BITMAPCOREHEADER (OS/2) has 16-bit sizes; every later header 32-bit, the height negative when top-down.
            if (size == 12) return new ImageHeader("BMP", b.getShort(18) & 0xFFFF, b.getShort(20) & 0xFFFF);
            return new ImageHeader("BMP", Math.abs((long) b.getInt(18)), Math.abs((long) b.getInt(22)));
        }
        if (starts(head, 'R', 'I', 'F', 'F') && head.length >= 16 && ascii(head, 8, "WEBP")) return webp(b.order(ByteOrder.LITTLE_ENDIAN));
        if (starts(head, 'I', 'I', 42, 0)) return tiff(file, b.order(ByteOrder.LITTLE_ENDIAN));
        if (starts(head, 'M', 'M', 0, 42)) return tiff(file, b.order(ByteOrder.BIG_ENDIAN));
        if (head.length > 2 && head[0] == 'P' && head[1] >= '1' && head[1] <= '6') return pnm(head);
        throw new IOException("not a PNG, JPEG, BMP, WebP, TIFF or PNM image");
    }

    private static ImageHeader jpeg(ByteBuffer b) throws IOException {
        int p = 2;
        while (p + 4 <= b.limit()) {
            if ((b.get(p) & 0xFF) != 0xFF) throw new IOException("JPEG marker expected at byte " + p);
            int marker = b.get(p + 1) & 0xFF;
            if (marker == 0xFF) { p++; continue; } // fill byte
            int len = b.getShort(p + 2) & 0xFFFF;
            // SOF0-SOF15 except DHT (C4), JPG (C8) and DAC (CC) carry the frame's size.
            if (marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC) {
                if (p + 9 > b.limit()) break;
                return new ImageHeader("JPEG", b.getShort(p + 7) & 0xFFFF, b.getShort(p + 5) & 0xFFFF);
            }
            if (marker == 0xDA) throw new IOException("JPEG without a frame header (SOF)");
            p += 2 + len;
        }
        throw new IOException("JPEG cut short before its frame header (SOF)");
    }

    private static ImageHeader webp(ByteBuffer b) throws IOException {
        if (b.limit() < 30) throw new IOException("WebP header cut short");
        byte[] a = b.array();
        if (ascii(a, 12, "VP8 ")) return new ImageHeader("WebP", b.getShort(26) & 0x3FFF, b.getShort(28) & 0x3FFF);
        if (ascii(a, 12, "VP8L")) {
            long bits = u32(b, 21);
            return new ImageHeader("WebP", (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1);
        }
        if (ascii(a, 12, "VP8X")) return new ImageHeader("WebP", u24(a, 24) + 1, u24(a, 27) + 1);
        throw new IOException("WebP with an unknown chunk");
    }

    /** The first directory's width and height tags; writers such as libtiff put the directory after the pixels. */
    private static ImageHeader tiff(Path file, ByteBuffer head) throws IOException {
        long ifd = u32(head, 4);
        ByteBuffer b = ByteBuffer.allocate(2 + 12 * 0xFFFF).order(head.order());
        try (FileChannel ch = FileChannel.open(file)) {
            while (b.hasRemaining() && ch.read(b, ifd + b.position()) > 0) {}
        }
        b.flip();
        if (b.limit() < 2) throw new IOException("TIFF directory beyond the end of the file");
        int n = b.getShort(0) & 0xFFFF;
        long w = -1, h = -1;
        for (int i = 0; i < n; i++) {
            int e = 2 + 12 * i;
            if (e + 12 > b.limit()) break;
            int tag = b.getShort(e) & 0xFFFF, type = b.getShort(e + 2) & 0xFFFF;
            long v = type == 3 ? b.getShort(e + 8) & 0xFFFF : u32(b, e + 8);
            if (tag == 256) w = v;
            else if (tag == 257) h = v;
        }
        if (w < 0 || h < 0) throw new IOException("TIFF without width and height tags");
        return new ImageHeader("TIFF", w, h);
    }

    /** P1-P6: magic, then width and height as decimal text, with # comments between. */
    private static ImageHeader pnm(byte[] a) throws IOException {
        long[] v = new long[2];
        int p = 2;
        for (int k = 0; k < 2; k++) {
            while (p < a.length && (Character.isWhitespace(a[p]) || a[p] == '#')) {
                if (a[p] == '#') while (p < a.length && a[p] != '\n') p++;
                else p++;
            }
            int start = p;
            while (p < a.length && a[p] >= '0' && a[p] <= '9' && p - start < 12) v[k] = v[k] * 10 + (a[p++] - '0');
            if (p == start) throw new IOException("PNM header without width and height");
        }
        return new ImageHeader("PNM", v[0], v[1]);
    }

    private static boolean starts(byte[] a, int... magic) {
        if (a.length < magic.length) return false;
        for (int i = 0; i < magic.length; i++) if ((a[i] & 0xFF) != magic[i]) return false;
        return true;
    }

    private static boolean ascii(byte[] a, int at, String s) {
        if (a.length < at + s.length()) return false;
        for (int i = 0; i < s.length(); i++) if (a[at + i] != s.charAt(i)) return false;
        return true;
    }

    private static long u32(ByteBuffer b, int at) throws IOException {
        if (at + 4 > b.limit()) throw new IOException("header cut short");
        return b.getInt(at) & 0xFFFFFFFFL;
    }

    private static long u24(byte[] a, int at) {
        return (a[at] & 0xFF) | (a[at + 1] & 0xFF) << 8 | (a[at + 2] & 0xFF) << 16;
    }
}
