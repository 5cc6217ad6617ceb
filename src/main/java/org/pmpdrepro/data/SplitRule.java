package org.pmpdrepro.data;

import org.pmpdrepro.io.Hashes;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Assigns packages to splits by package family, so that libfoo1, libfoo-dev and libfoo-doc (which
 * share their description text) never straddle train and test.
 */
public final class SplitRule {

    public static final String SALT = "pmpd-split-v1:";
    public static final int BUCKETS = 1000;
    /** Buckets [0, TEST_END) are test, [TEST_END, CALIBRATION_END) calibration, the rest train. */
    public static final int TEST_END = 25;
    public static final int CALIBRATION_END = 60;

    /** Stripped repeatedly from the end of a package name; order does not matter. */
    static final List<String> SUFFIXES = List.of(
            "-dev", "-doc", "-dbg", "-common", "-data", "-bin", "-utils", "-tools", "-examples", "-plugins",
            "-plugin", "-runtime", "-java", "-perl", "-l10n", "-locales", "-all", "-cli", "-core", "-extra");

    private static final Pattern TRAILING_VERSION = Pattern.compile("[0-9.\\-]+$");

    public static final String FAMILY_RULE = "family = package name lowercased; repeatedly strip a suffix in "
            + SUFFIXES + " or trailing version characters [0-9.-]+ (never down to an empty name); then strip"
            + " a leading 'lib'. bucket = first 8 bytes of SHA-256(salt + family) as an unsigned big-endian"
            + " long mod " + BUCKETS + ".";

    private SplitRule() {}

    public static String familyKey(String packageName) {
        String name = packageName.toLowerCase(Locale.ROOT);
        boolean changed = true;
        while (changed) {
            changed = false;
            for (String suffix : SUFFIXES) {
                if (name.length() > suffix.length() && name.endsWith(suffix)) {
                    name = name.substring(0, name.length() - suffix.length());
                    changed = true;
                }
            }
            String stripped = TRAILING_VERSION.matcher(name).replaceFirst("");
            if (!stripped.isEmpty() && !stripped.equals(name)) {
                name = stripped;
                changed = true;
            }
        }
        if (name.startsWith("lib") && name.length() > 3) {
            name = name.substring(3);
        }
        return name;
    }

    public static int bucket(String family) {
        long head = ByteBuffer.wrap(Hashes.sha256(SALT + family)).getLong();
        return (int) Long.remainderUnsigned(head, BUCKETS);
    }

    public static Split splitOfFamily(String family) {
        int b = bucket(family);
        return b < TEST_END ? Split.TEST : b < CALIBRATION_END ? Split.CALIBRATION : Split.TRAIN;
    }

    public static Split splitOf(String packageName) {
        return splitOfFamily(familyKey(packageName));
    }
}
