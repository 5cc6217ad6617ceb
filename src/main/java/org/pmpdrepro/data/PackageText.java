package org.pmpdrepro.data;

import java.util.Objects;
import java.util.Optional;

/**
 * An English description with its French translation when one exists for the same package and the
 * same English original (same Description-md5).
 */
public record PackageText(DebianDescription english, Optional<DebianDescription> french) {
    public PackageText {
        Objects.requireNonNull(english, "english");
        Objects.requireNonNull(french, "french");
        french.ifPresent(fr -> {
            if (!fr.joinKey().equals(english.joinKey())) {
                throw new IllegalArgumentException("French text of " + fr.packageName() + "/" + fr.descriptionMd5()
                        + " paired with English " + english.packageName() + "/" + english.descriptionMd5());
            }
        });
    }

    public String packageName() {
        return english.packageName();
    }
}
