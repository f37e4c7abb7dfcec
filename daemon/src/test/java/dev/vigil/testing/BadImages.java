package dev.vigil.testing;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;

/**
 * The files of issue 10's image findings, written between good photos: headers claiming 100000x100000 (PNG, BMP),
 * a JPEG cut inside its header, and a PNG bomb (20000x20000 zeros, a few hundred KB that decode to 1.2 GB).
 */
public final class BadImages {

    /** Names of the bad files {@link #corpus} writes, in name order. */
    public static final List<String> BAD = List.of("b_huge.png", "d_huge.bmp", "f_truncated.jpg", "h_bomb.png");
    /** Names of the good photos it copies, in name order. */
    public static final List<String> GOOD = List.of("a_cat.bmp", "c_hot_dog.jpg", "e_chelsea.png", "g_dog.bmp", "i_street.jpg");

    private BadImages() {}

    /** Writes the good photos and the bad files into dir; returns dir. */
    public static Path corpus(Path dir) throws IOException {
        Files.copy(TestData.image("cat.bmp"), dir.resolve("a_cat.bmp"));
        Files.write(dir.resolve("b_huge.png"), png(100_000, 100_000, 0));
        Files.copy(TestData.image("hot_dog.jpg"), dir.resolve("c_hot_dog.jpg"));
        Files.write(dir.resolve("d_huge.bmp"), bmpHeader(100_000, 100_000));
        Files.copy(TestData.image("chelsea.png"), dir.resolve("e_chelsea.png"));
        byte[] jpg = Files.readAllBytes(TestData.image("hot_dog.jpg"));
        Files.write(dir.resolve("f_truncated.jpg"), java.util.Arrays.copyOf(jpg, sofOffset(jpg) + 4));
        Files.copy(TestData.image("dog.bmp"), dir.resolve("g_dog.bmp"));
        Files.write(dir.resolve("h_bomb.png"), png(20_000, 20_000, 20_000));
        Files.copy(TestData.image("empty_street.jpg"), dir.resolve("i_street.jpg"));
        return dir;
    }

    /** An 8-bit grey PNG; rows of zeros are compressed into IDAT when there are any (the bomb), else only IHDR and IEND. */
    static byte[] png(int width, int height, int rows) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A});
        ByteBuffer ihdr = ByteBuffer.allocate(13).putInt(width).putInt(height).put((byte) 8).put((byte) 0).put((byte) 0).put((byte) 0).put((byte) 0);
        chunk(out, "IHDR", ihdr.array());
        if (rows > 0) {
            ByteArrayOutputStream z = new ByteArrayOutputStream();
            try (OutputStream d = new DeflaterOutputStream(z, new Deflater(Deflater.BEST_COMPRESSION))) {
                byte[] row = new byte[width + 1]; // filter byte 0, then the zeros
                for (int i = 0; i < rows; i++) d.write(row);
            }
            chunk(out, "IDAT", z.toByteArray());
        }
        chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) throws IOException {
        DataOutputStream d = new DataOutputStream(out);
        d.writeInt(data.length);
        byte[] t = type.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        d.write(t);
        d.write(data);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(data);
        d.writeInt((int) crc.getValue());
    }

    /** A 24-bit BMP's headers claiming width x height, with a few pixel bytes after them. */
    static byte[] bmpHeader(int width, int height) {
        ByteBuffer b = ByteBuffer.allocate(54 + 64).order(ByteOrder.LITTLE_ENDIAN);
        long rowBytes = ((long) width * 3 + 3) & ~3L;
        b.put((byte) 'B').put((byte) 'M').putInt((int) Math.min(Integer.MAX_VALUE, 54 + rowBytes * height)).putInt(0).putInt(54);
        b.putInt(40).putInt(width).putInt(height).putShort((short) 1).putShort((short) 24).putInt(0)
                .putInt(0).putInt(2835).putInt(2835).putInt(0).putInt(0);
        return b.array();
    }

    /** Where a JPEG's frame header (SOF0/SOF2) starts. */
    static int sofOffset(byte[] jpg) {
        for (int i = 2; i + 1 < jpg.length; i++) {
            if ((jpg[i] & 0xFF) == 0xFF && ((jpg[i + 1] & 0xFF) == 0xC0 || (jpg[i + 1] & 0xFF) == 0xC2)) return i;
        }
        throw new IllegalArgumentException("no SOF");
    }
}
