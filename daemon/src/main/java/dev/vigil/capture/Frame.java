package dev.vigil.capture;

import java.time.Instant;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * One captured picture, lent to the consumer between {@link Camera#acquire} (or {@link Camera#poll}) and
 * {@link Camera#release}. The Mat belongs to the camera's buffer pool and is overwritten after release, so nothing may
 * keep it (copy what must outlive the frame, e.g. for a snapshot).
 *
 * @param camera       the camera's configured name
 * @param sequence     1, 2, 3, ... per camera in capture order; a gap is a dropped frame
 * @param bgr          8-bit, 3-channel BGR
 * @param captureNanos the camera's time source's nanos when the frame was read ({@link System#nanoTime()} in production)
 * @param time         wall-clock time when the frame was read
 * @param sourceRef    the image file name for a folder source, {@code clip.mp4@12.345} for a video file, else the
 *                     capture time
 */
public record Frame(String camera, long sequence, Mat bgr, long captureNanos, Instant time, String sourceRef) {}
