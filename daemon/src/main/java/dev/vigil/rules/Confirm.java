package dev.vigil.rules;

import dev.vigil.config.Check;
import dev.vigil.config.ConfigException;

/** A group triggers when it matched in at least {@code frames} of the last {@code of} processed frames. */
public record Confirm(int frames, int of) {

    public static final Confirm ONE_OF_ONE = new Confirm(1, 1);

    public Confirm {
        Check.within("frames", frames, 1, 100);
        Check.within("of", of, 1, 100);
        if (frames > of) throw ConfigException.at("frames", frames + " is above of (" + of + "); a group needs at most all of the last frames");
    }
}
