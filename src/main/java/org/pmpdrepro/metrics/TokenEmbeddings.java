package org.pmpdrepro.metrics;

/**
 * The embeddings of one text: one vector per non-special token, with the token ids (for idf weights).
 *
 * @param tokenIds vocabulary ids of the kept tokens, in text order
 * @param vectors one embedding per kept token, all of the same dimension
 * @param truncated whether the text was cut to the encoder's maximum length
 */
public record TokenEmbeddings(long[] tokenIds, float[][] vectors, boolean truncated) {

    public TokenEmbeddings {
        if (tokenIds.length != vectors.length) {
            throw new IllegalArgumentException(tokenIds.length + " token ids but " + vectors.length + " vectors");
        }
        tokenIds = tokenIds.clone();
        float[][] copy = new float[vectors.length][];
        for (int i = 0; i < vectors.length; i++) {
            if (vectors[i].length != vectors[0].length) {
                throw new IllegalArgumentException("vector " + i + " has dimension " + vectors[i].length + ", vector 0 has "
                        + vectors[0].length);
            }
            copy[i] = vectors[i].clone();
        }
        vectors = copy;
    }

    public int size() {
        return tokenIds.length;
    }

    @Override
    public long[] tokenIds() {
        return tokenIds.clone();
    }

    @Override
    public float[][] vectors() {
        float[][] copy = new float[vectors.length][];
        for (int i = 0; i < vectors.length; i++) {
            copy[i] = vectors[i].clone();
        }
        return copy;
    }

    long tokenId(int i) {
        return tokenIds[i];
    }

    /** Unit-length copies of the vectors in double precision (cosine similarity becomes a dot product). */
    double[][] normalized() {
        double[][] out = new double[vectors.length][];
        for (int i = 0; i < vectors.length; i++) {
            float[] v = vectors[i];
            double norm = 0;
            for (float x : v) {
                norm += (double) x * x;
            }
            norm = Math.sqrt(norm);
            double[] u = new double[v.length];
            for (int d = 0; d < v.length; d++) {
                u[d] = norm == 0 ? 0 : v[d] / norm;
            }
            out[i] = u;
        }
        return out;
    }
}
