package org.pmpdrepro.pmpd;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import org.pmpdrepro.decode.BlockNorm;
import org.pmpdrepro.io.Hashes;
import org.pmpdrepro.model.Tensor;
import org.pmpdrepro.quant.BitPolicy;
import org.pmpdrepro.quant.LinearId;
import org.pmpdrepro.quant.QuantizedModel;

/**
 * The identity of a back-bone as it decodes: SHA-256 over every matrix as served at every width, every per-width
 * norm gain and every published policy. A schedule is fitted on exactly these values, so its file records this hash;
 * a back-bone whose quantizer changed (another group size, budget or fine-tune) hashes differently and needs its
 * schedules fitted again.
 */
public final class BackboneIdentity {

    private BackboneIdentity() {}

    public static String sha256(QuantizedModel model) {
        MessageDigest md = Hashes.sha256();
        text(md, model.method() + " " + model.config() + " " + model.bitWidths());
        for (LinearId id : LinearId.all(model.config())) {
            for (int b : model.bitWidths()) {
                text(md, id + "@" + b);
                floats(md, model.dequantized(id.layer(), id.proj(), b));
            }
        }
        for (int l = 0; l < model.config().numLayers(); l++) {
            for (BlockNorm n : BlockNorm.values()) {
                for (int from : model.bitWidths()) {
                    for (int to : model.bitWidths()) {
                        int layer = l;
                        String key = n.weightName(layer) + (from == to ? "@" + to : "@" + from + ">" + to);
                        model.normWeight(l, n, from, to).ifPresent(t -> {
                            text(md, key);
                            floats(md, t);
                        });
                    }
                }
            }
        }
        for (Map.Entry<String, BitPolicy> e : new TreeMap<>(model.policies()).entrySet()) {
            text(md, e.getKey() + "=" + e.getValue().bits());
        }
        return HexFormat.of().formatHex(md.digest());
    }

    private static void text(MessageDigest md, String s) {
        md.update((s + "\n").getBytes(StandardCharsets.UTF_8));
    }

    private static void floats(MessageDigest md, Tensor t) {
        float[] d = t.data();
        ByteBuffer buf = ByteBuffer.allocate(d.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        buf.asFloatBuffer().put(d);
        md.update(buf.array());
    }
}
