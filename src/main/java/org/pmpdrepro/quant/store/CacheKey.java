package org.pmpdrepro.quant.store;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import org.pmpdrepro.io.Hashes;

/**
 * Everything that changes a quantized model: the method, its parameters, the model, the calibration data and the
 * sensitivities it used, and the version of the quantization code. Two keys with equal fields name the same
 * artefact; any difference names another.
 *
 * @param method quantization method, as {@code QuantizedModel.method()}
 * @param parameters the method's settings (bit-widths, group size, seed, ...) as strings
 * @param modelSha256 identity of the full-precision model
 * @param calibrationSha256 {@link CalibrationSet#sha256()} of the calibration data, or {@link #NONE}
 * @param sensitivitySha256 identity of the sensitivities used, or {@link #NONE}
 * @param codeVersion version of the quantizer and codec code; raise it when their output changes
 */
public record CacheKey(String method, SortedMap<String, String> parameters, String modelSha256,
        String calibrationSha256, String sensitivitySha256, String codeVersion) {

    /** Stands for an input the method does not use. */
    public static final String NONE = "none";

    /** Version of the quantization code, part of every cache key: raise it when a quantizer's output changes. */
    public static final String CODE_VERSION = "1";

    public CacheKey {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(modelSha256, "modelSha256");
        Objects.requireNonNull(calibrationSha256, "calibrationSha256");
        Objects.requireNonNull(sensitivitySha256, "sensitivitySha256");
        Objects.requireNonNull(codeVersion, "codeVersion");
        if (!method.matches("[a-z0-9][a-z0-9-]*")) {
            throw new IllegalArgumentException("method '" + method + "'; expected lower-case letters, digits and '-'");
        }
        parameters = Collections.unmodifiableSortedMap(new TreeMap<>(parameters));
    }

    public static CacheKey of(String method, Map<String, String> parameters, String modelSha256,
            String calibrationSha256, String sensitivitySha256, String codeVersion) {
        return new CacheKey(method, new TreeMap<>(parameters), modelSha256, calibrationSha256, sensitivitySha256,
                codeVersion);
    }

    /** SHA-256 over every field in a fixed, unambiguous text form. */
    public String sha256() {
        StringBuilder sb = new StringBuilder();
        line(sb, "method", method);
        parameters.forEach((k, v) -> line(sb, "parameter." + k, v));
        line(sb, "model", modelSha256);
        line(sb, "calibration", calibrationSha256);
        line(sb, "sensitivity", sensitivitySha256);
        line(sb, "code", codeVersion);
        return Hashes.sha256Hex(sb.toString());
    }

    private static void line(StringBuilder sb, String name, String value) {
        // Lengths first, so no choice of names and values can make two keys print the same text.
        sb.append(name.length()).append(':').append(name).append('=').append(value.length()).append(':')
                .append(value).append('\n');
    }

    /** The entry's directory name: method and the first 16 hex digits of {@link #sha256()}. */
    public String directoryName() {
        return method + "-" + sha256().substring(0, 16);
    }
}
