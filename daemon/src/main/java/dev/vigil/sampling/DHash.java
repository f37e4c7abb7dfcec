package dev.vigil.sampling;

import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_BGR2GRAY;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.cvtColor;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import org.bytedeco.javacpp.indexer.UByteIndexer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * The difference hash (Krawetz, "Kind of like that", 2013): the frame in grey shrunk to 9x8 by area averaging, one bit
 * per pair of horizontal neighbours (left brighter than right). Two frames of the same scene differ in a few bits; a
 * different scene in about half of the 64. Cheap enough for every kept frame: one resize of the whole frame.
 */
final class DHash {

    private DHash() {}

    static long of(Mat bgr) {
        try (Mat grey = new Mat(); Mat small = new Mat(); Size size = new Size(9, 8)) {
            if (bgr.channels() == 1) bgr.copyTo(grey);
            else cvtColor(bgr, grey, COLOR_BGR2GRAY);
            resize(grey, small, size, 0, 0, INTER_AREA);
            long h = 0;
            try (UByteIndexer px = small.createIndexer()) {
                for (int y = 0; y < 8; y++) {
                    for (int x = 0; x < 8; x++) h = (h << 1) | (px.get(y, x) > px.get(y, x + 1) ? 1 : 0);
                }
            }
            return h;
        }
    }

    static int distance(long a, long b) { return Long.bitCount(a ^ b); }
}
