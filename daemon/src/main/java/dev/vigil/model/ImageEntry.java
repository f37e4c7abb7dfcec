package dev.vigil.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.net.URI;
import java.util.List;

/**
 * One photograph of {@code test-images/catalog.yaml}; {@code name} is the entry's key there (the file's stem).
 *
 * @param expect what the doorbell case should see; empty when the image is left out of that case
 */
public record ImageEntry(
        String name,
        String file,
        URI url,
        String sha256,
        long size,
        String license,
        String content,
        List<Expect> expect) implements Artifact {

    public ImageEntry {
        expect = expect == null ? null : List.copyOf(expect);
    }

    @Override
    public String folder() { return "test-images"; }

    public enum Expect {
        @JsonProperty("person") PERSON,
        @JsonProperty("animal") ANIMAL,
        /** Neither a person nor an animal. */
        @JsonProperty("none") NONE;

        public String word() { return name().toLowerCase(java.util.Locale.ROOT); }
    }
}
