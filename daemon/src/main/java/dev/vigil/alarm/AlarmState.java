package dev.vigil.alarm;

import java.util.Locale;

/**
 * The alarm state of one camera.
 *
 * <pre>
 * DISARMED --arm--> ARMED --trigger--> TRIGGERED --quiet for triggered_s--> COOLDOWN --cooldown_s--> ARMED
 *    ^------------------ disarm (from any state) ----------------------------------------------------'
 * </pre>
 */
public enum AlarmState {
    /** Nothing fires: the arm switch is off. */
    DISARMED,
    /** Waiting: a rule group firing raises the alarm. */
    ARMED,
    /** Raised: actions run; further triggers keep it raised. */
    TRIGGERED,
    /** Quiet period after an alarm: triggers are counted but fire nothing. */
    COOLDOWN;

    /** The lowercase word used in the config ({@code state: triggered}). */
    public String word() { return name().toLowerCase(Locale.ROOT); }
}
