package dev.vigil.rules;

/**
 * The objects one rule group remembers, for IoU tracking (see {@link RuleEngine}): box i at {@code boxes[4i .. 4i+3]},
 * how many processed frames it has been missing, whether it has fired. Fixed arrays: nothing is allocated per frame.
 */
final class Tracks {

    private final float[] boxes;
    private final int[] misses;
    private final boolean[] fired;
    private final boolean[] seen;
    private final float[] box = new float[4];
    private int tracks;

    Tracks(int max) {
        boxes = new float[max * 4];
        misses = new int[max];
        fired = new boolean[max];
        seen = new boolean[max];
    }

    int size() { return tracks; }

    void clear() { tracks = 0; }

    boolean fired(int j) { return fired[j]; }

    void markFired(int j) { fired[j] = true; }

    /** Matches the candidates to remembered objects; candTrack[k] is the object of candidate k (-1: none). */
    void associate(float[][] candBox, int[] candTrack, int n, float trackIou) {
        for (int j = 0; j < tracks; j++) {
            misses[j]++;
            seen[j] = false;
        }
        for (int k = 0; k < n; k++) {
            float[] b = candBox[k];
            int bestTrack = -1;
            float bestIou = trackIou;
            for (int j = 0; j < tracks; j++) {
                if (seen[j]) continue;
                box[0] = boxes[4 * j];
                box[1] = boxes[4 * j + 1];
                box[2] = boxes[4 * j + 2];
                box[3] = boxes[4 * j + 3];
                float iou = RuleEngine.iou(b, box);
                if (iou >= bestIou) { bestIou = iou; bestTrack = j; }
            }
            if (bestTrack >= 0) update(bestTrack, b);
            candTrack[k] = bestTrack;
        }
        // New objects only after every known one had its chance, so a newcomer never evicts an object in view.
        for (int k = 0; k < n; k++) {
            if (candTrack[k] >= 0) continue;
            int j = newTrack();
            if (j >= 0) update(j, candBox[k]);
            candTrack[k] = j;
        }
    }

    private void update(int j, float[] b) {
        System.arraycopy(b, 0, boxes, 4 * j, 4);
        misses[j] = 0;
        seen[j] = true;
    }

    /** A slot for a new object: a free one, else the longest-missing one; -1 if all are in view right now. */
    private int newTrack() {
        int j;
        if (tracks < misses.length) {
            j = tracks++;
        } else {
            j = -1;
            for (int i = 0; i < tracks; i++) {
                if (!seen[i] && (j < 0 || misses[i] > misses[j])) j = i;
            }
            if (j < 0) return -1;
        }
        fired[j] = false;
        seen[j] = false;
        misses[j] = 0;
        return j;
    }

    /** Drops the objects missing for more than {@code maxMisses} processed frames. */
    void forget(int maxMisses) {
        for (int j = tracks - 1; j >= 0; j--) {
            if (misses[j] > maxMisses) {
                int last = --tracks;
                if (j != last) {
                    System.arraycopy(boxes, 4 * last, boxes, 4 * j, 4);
                    misses[j] = misses[last];
                    fired[j] = fired[last];
                    seen[j] = seen[last];
                }
            }
        }
    }
}
