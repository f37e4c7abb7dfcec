package dev.vigil.eval;

/**
 * A box of the COCO way of counting: top-left corner, width and height in pixels of the image.
 *
 * @param image    the dataset's image id
 * @param category the dataset's category id
 * @param area     a ground truth's annotated area (COCO's {@code area}, often the segment's, not the box's); for a
 *                 detection the box's own w*h
 * @param crowd    a ground truth marked {@code iscrowd}: it takes any number of detections, each measured by the share
 *                 of the detection inside it, and they are neither hits nor false positives
 * @param ignore   a ground truth not counted (Pascal VOC's {@code difficult}): a detection on it is neither a hit nor a
 *                 false positive, and missing it is no miss
 * @param score    a detection's confidence; 1 for a ground truth
 */
public record Box(int image, int category, double x, double y, double w, double h, double area, boolean crowd, boolean ignore,
                  double score) {

    public static Box truth(int image, int category, double x, double y, double w, double h, double area, boolean crowd) {
        return new Box(image, category, x, y, w, h, area, crowd, crowd, 1);
    }

    /** A Pascal VOC {@code difficult} object: ignored, but matched as an ordinary box. */
    public static Box ignored(int image, int category, double x, double y, double w, double h) {
        return new Box(image, category, x, y, w, h, w * h, false, true, 1);
    }

    public static Box detection(int image, int category, double x, double y, double w, double h, double score) {
        return new Box(image, category, x, y, w, h, w * h, false, false, score);
    }

    /**
     * maskApi.c's bbIou for one pair, operation for operation: intersection over union, or over the detection's own
     * area when the ground truth is a crowd.
     */
    static double iou(Box d, Box g) {
        double ga = g.w * g.h, da = d.w * d.h;
        double w = Math.min(d.w + d.x, g.w + g.x) - Math.max(d.x, g.x);
        if (w <= 0) return 0;
        double h = Math.min(d.h + d.y, g.h + g.y) - Math.max(d.y, g.y);
        if (h <= 0) return 0;
        double i = w * h;
        double u = g.crowd ? da : da + ga - i;
        return i / u;
    }
}
