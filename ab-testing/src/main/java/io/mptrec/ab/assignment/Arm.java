package io.mptrec.ab.assignment;

import java.util.Objects;

/**
 * One arm of an experiment and the share of included units it receives.
 *
 * @param name   arm name, unique within the experiment (e.g. {@code control})
 * @param weight traffic share in [0, 1]; the weights of an experiment sum to 1
 */
public record Arm(String name, double weight) {

    public Arm {
        Objects.requireNonNull(name, "name");
        if (name.isBlank()) {
            throw new IllegalArgumentException("name: arm name must not be blank");
        }
        if (Double.isNaN(weight) || Double.isInfinite(weight) || weight < 0) {
            throw new IllegalArgumentException("weight: arm '" + name + "' has weight " + weight
                    + "; weights must be finite and >= 0");
        }
    }
}
