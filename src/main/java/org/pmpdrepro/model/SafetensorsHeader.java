package org.pmpdrepro.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.pmpdrepro.io.Json;

/**
 * The parsed and validated JSON header of a safetensors file: every tensor's type, shape and byte range,
 * checked against the size of the data region, plus the free-form string metadata.
 */
record SafetensorsHeader(Map<String, String> metadata, Map<String, TensorInfo> tensors) {

    /** Safetensors' own reference implementation refuses headers above this size; so do we. */
    static final long MAX_HEADER_BYTES = 100_000_000L;

    static final String METADATA_KEY = "__metadata__";

    private static final ObjectMapper JSON = Json.mapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    SafetensorsHeader {
        metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
        tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
    }

    /**
     * Checks the 8-byte header length read from the start of a file of {@code fileSize} bytes.
     *
     * @param rawLength the little-endian u64 as a Java long (negative when the u64 is at least 2^63)
     */
    static void checkLength(Path file, long rawLength, long fileSize) throws CheckpointFormatException {
        String declared = Long.toUnsignedString(rawLength);
        if (rawLength == 0) {
            throw new CheckpointFormatException(file, null,
                    "header length is 0; expected the byte length of a JSON object (at least 2)");
        }
        if (rawLength < 0 || rawLength > MAX_HEADER_BYTES) {
            throw new CheckpointFormatException(file, null, "header length is " + declared
                    + " bytes; expected at most " + MAX_HEADER_BYTES + " (is this a safetensors file?)");
        }
        if (rawLength > fileSize - 8) {
            throw new CheckpointFormatException(file, null, "header length is " + declared
                    + " bytes but the file has only " + (fileSize - 8) + " bytes after the 8-byte length prefix"
                    + " (truncated file?)");
        }
    }

    /** Parses and validates the header JSON; {@code dataBytes} is the size of the data region after it. */
    static SafetensorsHeader parse(Path file, byte[] headerBytes, long dataBytes) throws CheckpointFormatException {
        JsonNode root;
        try {
            root = JSON.readTree(new String(headerBytes, StandardCharsets.UTF_8));
        } catch (JsonProcessingException e) {
            throw new CheckpointFormatException(file, null,
                    "header is not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new CheckpointFormatException(file, null, "header is "
                    + (root == null ? "empty" : "a JSON " + root.getNodeType().name().toLowerCase())
                    + "; expected a JSON object mapping tensor names to {dtype, shape, data_offsets}");
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        Map<String, TensorInfo> tensors = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : root.properties()) {
            if (e.getKey().equals(METADATA_KEY)) {
                metadata.putAll(parseMetadata(file, e.getValue()));
            } else {
                tensors.put(e.getKey(), parseTensor(file, e.getKey(), e.getValue(), dataBytes));
            }
        }
        checkNoOverlap(file, tensors.values());
        return new SafetensorsHeader(metadata, tensors);
    }

    private static Map<String, String> parseMetadata(Path file, JsonNode node) throws CheckpointFormatException {
        if (!node.isObject()) {
            throw new CheckpointFormatException(file, null,
                    METADATA_KEY + " is " + node + "; expected a JSON object of string values");
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            if (!e.getValue().isTextual()) {
                throw new CheckpointFormatException(file, null, METADATA_KEY + " entry '" + e.getKey() + "' is "
                        + e.getValue() + "; expected a string");
            }
            out.put(e.getKey(), e.getValue().textValue());
        }
        return out;
    }

    private static TensorInfo parseTensor(Path file, String name, JsonNode node, long dataBytes)
            throws CheckpointFormatException {
        if (!node.isObject()) {
            throw new CheckpointFormatException(file, name,
                    "entry is " + node + "; expected an object with dtype, shape and data_offsets");
        }
        JsonNode dtypeNode = field(file, name, node, "dtype");
        if (!dtypeNode.isTextual()) {
            throw new CheckpointFormatException(file, name, "dtype is " + dtypeNode + "; expected a string");
        }
        DType dtype = DType.fromHeaderName(dtypeNode.textValue()).orElseThrow(() -> new CheckpointFormatException(
                file, name, "unknown dtype '" + dtypeNode.textValue() + "'; expected one of " + DType.known()));

        JsonNode shapeNode = field(file, name, node, "shape");
        if (!shapeNode.isArray()) {
            throw new CheckpointFormatException(file, name, "shape is " + shapeNode + "; expected an array");
        }
        int[] shape = new int[shapeNode.size()];
        for (int i = 0; i < shape.length; i++) {
            JsonNode d = shapeNode.get(i);
            if (!d.isIntegralNumber() || !d.canConvertToInt() || d.intValue() < 0) {
                throw new CheckpointFormatException(file, name, "shape " + shapeNode + " has dimension " + i + " = "
                        + d + "; expected a non-negative integer below 2^31");
            }
            shape[i] = d.intValue();
        }

        JsonNode offsets = field(file, name, node, "data_offsets");
        if (!offsets.isArray() || offsets.size() != 2) {
            throw new CheckpointFormatException(file, name,
                    "data_offsets is " + offsets + "; expected an array [begin, end]");
        }
        long begin = offset(file, name, offsets, 0);
        long end = offset(file, name, offsets, 1);
        if (begin > end) {
            throw new CheckpointFormatException(file, name,
                    "data_offsets " + offsets + " has begin > end; expected begin <= end");
        }
        if (end > dataBytes) {
            throw new CheckpointFormatException(file, name, "data_offsets " + offsets
                    + " end outside the data region of " + dataBytes + " bytes (truncated file?)");
        }
        long elements;
        try {
            elements = TensorInfo.elementCount(shape);
            Math.multiplyExact(elements, (long) dtype.bytes());
        } catch (ArithmeticException e) {
            throw new CheckpointFormatException(file, name, "shape " + shapeNode + " overflows a 64-bit size");
        }
        long expected = elements * dtype.bytes();
        if (end - begin != expected) {
            throw new CheckpointFormatException(file, name, "data_offsets " + offsets + " span " + (end - begin)
                    + " bytes but shape " + Arrays.toString(shape) + " of " + dtype + " needs " + elements + " x "
                    + dtype.bytes() + " = " + expected + " bytes");
        }
        return new TensorInfo(name, dtype, shape, begin, end);
    }

    private static JsonNode field(Path file, String name, JsonNode node, String field)
            throws CheckpointFormatException {
        JsonNode v = node.get(field);
        if (v == null) {
            throw new CheckpointFormatException(file, name, "field '" + field + "' is missing; expected an entry "
                    + "with dtype, shape and data_offsets");
        }
        return v;
    }

    private static long offset(Path file, String name, JsonNode offsets, int i) throws CheckpointFormatException {
        JsonNode v = offsets.get(i);
        if (!v.isIntegralNumber() || !v.canConvertToLong() || v.longValue() < 0) {
            throw new CheckpointFormatException(file, name, "data_offsets " + offsets + " has " + v
                    + " at index " + i + "; expected a non-negative integer");
        }
        return v.longValue();
    }

    private static void checkNoOverlap(Path file, Iterable<TensorInfo> infos) throws CheckpointFormatException {
        List<TensorInfo> sorted = new ArrayList<>();
        for (TensorInfo t : infos) {
            if (t.byteLength() > 0) { // empty tensors occupy no bytes and cannot collide
                sorted.add(t);
            }
        }
        sorted.sort(Comparator.comparingLong(TensorInfo::begin));
        for (int i = 1; i < sorted.size(); i++) {
            TensorInfo prev = sorted.get(i - 1);
            TensorInfo cur = sorted.get(i);
            if (cur.begin() < prev.end()) {
                throw new CheckpointFormatException(file, cur.name(), "bytes [" + cur.begin() + ", " + cur.end()
                        + ") overlap tensor '" + prev.name() + "' at [" + prev.begin() + ", " + prev.end()
                        + "); expected disjoint byte ranges");
            }
        }
    }
}
