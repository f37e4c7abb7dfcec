package dev.vigil.dataset;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Train or validation, by a hash of the sample's id: the same sample lands in the same split in every export, whatever
 * else the store holds, so a model never validates on what an earlier export trained it on.
 */
public final class Split {

    private Split() {}

    /** "val" when the first 8 bytes of sha256(id), as a fraction of 2^64, fall below {@code valShare}; else "train". */
    public static String of(String id, double valShare) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(id.getBytes(StandardCharsets.UTF_8));
            long v = 0;
            for (int i = 0; i < 8; i++) v = (v << 8) | (h[i] & 0xff);
            return (v >>> 11) * 0x1.0p-53 < valShare ? "val" : "train";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e); // every JDK has SHA-256
        }
    }
}
