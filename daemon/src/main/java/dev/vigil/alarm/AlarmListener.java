package dev.vigil.alarm;

/** Told of every alarm state change, in order per camera, while the camera's state is locked: return quickly. */
@FunctionalInterface
public interface AlarmListener {
    void transition(AlarmTransition t);
}
