package dev.vigil.capture;

/** Where a camera stands; every change is logged once and reported to the camera's listener. */
public enum CameraState {
    /** Opening the source (connecting, probing, starting the command). */
    CONNECTING,
    /** Frames are arriving. */
    UP,
    /** The source failed or went silent; a reconnect is scheduled with backoff. */
    DOWN,
    /** A finite source (file or folder without loop, command without restart) has delivered its last frame. */
    ENDED
}
