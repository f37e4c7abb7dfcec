package dev.vigil.rules;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The decision rules of one camera.
 *
 * @param zones    if not empty, a detection counts only when its box's bottom centre is inside one of them
 * @param masks    areas ignored: a detection whose bottom centre is inside a mask never counts
 * @param cooldown after a group triggers, it stays quiet this long
 * @param tracking simple IoU tracking: an object that stays put (a parked car, a sleeping cat) triggers once
 * @param trackIou IoU above which a detection is the same object as one of the previous frame
 */
public record CameraRules(Map<String, GroupRule> groups, List<Polygon> zones, List<Polygon> masks, Confirm confirm,
                          Duration cooldown, boolean tracking, float trackIou) {}
