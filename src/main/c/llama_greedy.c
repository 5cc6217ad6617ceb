/*
 * Greedy decoding with llama.cpp's C API, for the decode benchmark (bench-decode).
 *
 * Usage: llama_greedy MODEL.gguf PROMPTS MAX_NEW EOS THREADS OUT BACKEND_DIR [BATCH]
 *
 * PROMPTS holds one prompt per line as space-separated token ids. Prompts are decoded BATCH at a time (default 1,
 * the paper's setting), each in its own sequence of the cache: the group's prompts are prefilled together (as many
 * whole prompts per llama_decode call as fit its batch), then each call decodes one new token of every sequence
 * still running; a token is the arg-max of its logits. A sequence ends on EOS or after MAX_NEW tokens. The cache is
 * cleared between groups. The KV cache is F32 and flash attention is off, so llama.cpp computes what the project's
 * decoder computes.
 *
 * OUT gets one line per prompt: "index<TAB>ids<TAB>margins", ids and margins comma-separated, where the margin of a
 * token is its logit minus the runner-up's (the size of the decision, for conformance reports); then one line
 * "timing<TAB>prefill_seconds<TAB>decode_seconds<TAB>prompt_tokens<TAB>produced_tokens". The EOS token, when
 * produced, ends the ids and is not listed, as in the project's outputs, but has a margin and counts as produced.
 */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ggml-backend.h"
#include "llama.h"

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static void quiet(enum ggml_log_level level, const char *text, void *data) {
    (void) data;
    if (level >= GGML_LOG_LEVEL_ERROR) {
        fputs(text, stderr);
    }
}

static bool no_progress(float progress, void *data) {
    (void) progress;
    (void) data;
    return true;
}

/* Arg-max of logits (first index on ties, as the project's decoder) and its margin over the runner-up. */
static int argmax(const float *logits, int n, float *margin) {
    int best = 0;
    for (int i = 1; i < n; i++) {
        if (logits[i] > logits[best]) {
            best = i;
        }
    }
    float second = -INFINITY;
    for (int i = 0; i < n; i++) {
        if (i != best && logits[i] > second) {
            second = logits[i];
        }
    }
    *margin = logits[best] - second;
    return best;
}

int main(int argc, char **argv) {
    if (argc < 8) {
        fprintf(stderr, "usage: %s MODEL.gguf PROMPTS MAX_NEW EOS THREADS OUT BACKEND_DIR [BATCH]\n", argv[0]);
        return 2;
    }
    const char *model_path = argv[1];
    int max_new = atoi(argv[3]);
    int eos = atoi(argv[4]);
    int threads = atoi(argv[5]);
    int group = argc > 8 ? atoi(argv[8]) : 1;
    if (max_new < 1 || threads < 1 || group < 1) {
        fprintf(stderr, "MAX_NEW, THREADS and BATCH must be positive\n");
        return 2;
    }
    llama_log_set(quiet, NULL);
    ggml_backend_load_all_from_path(argv[7]);
    llama_backend_init();
    /* The back-end and CPU features in use, for the benchmark's record (stderr goes to its log). */
    fprintf(stderr, "system info: %s\n", llama_print_system_info());

    struct llama_model_params mp = llama_model_default_params();
    mp.n_gpu_layers = 0;
    mp.progress_callback = no_progress;
    struct llama_model *model = llama_model_load_from_file(model_path, mp);
    if (model == NULL) {
        fprintf(stderr, "cannot load %s\n", model_path);
        return 1;
    }
    const struct llama_vocab *vocab = llama_model_get_vocab(model);
    int n_vocab = llama_vocab_n_tokens(vocab);
    int n_pos = llama_model_n_ctx_train(model);

    /* All prompts first: a group is decoded together. */
    FILE *in = fopen(argv[2], "r");
    if (in == NULL) {
        fprintf(stderr, "cannot read %s\n", argv[2]);
        return 1;
    }
    int n_prompts = 0, cap_prompts = 1024;
    llama_token **prompts = malloc(sizeof(llama_token *) * cap_prompts);
    int *lengths = malloc(sizeof(int) * cap_prompts);
    size_t cap = 1 << 16;
    char *line = malloc(cap);
    while (getline(&line, &cap, in) > 0) {
        if (n_prompts == cap_prompts) {
            cap_prompts *= 2;
            prompts = realloc(prompts, sizeof(llama_token *) * cap_prompts);
            lengths = realloc(lengths, sizeof(int) * cap_prompts);
        }
        llama_token *p = malloc(sizeof(llama_token) * n_pos);
        int n = 0;
        for (char *tok = strtok(line, " \t\r\n"); tok != NULL; tok = strtok(NULL, " \t\r\n")) {
            if (n == n_pos) {
                fprintf(stderr, "prompt %d is longer than the model's %d positions\n", n_prompts, n_pos);
                return 1;
            }
            p[n++] = atoi(tok);
        }
        if (n == 0 || n + max_new > n_pos) {
            fprintf(stderr, "prompt %d has %d tokens; with %d new ones it must fit %d positions\n", n_prompts, n,
                    max_new, n_pos);
            return 1;
        }
        prompts[n_prompts] = p;
        lengths[n_prompts++] = n;
    }
    fclose(in);

    struct llama_context_params cp = llama_context_default_params();
    cp.n_seq_max = group;
    cp.n_ctx = (uint32_t) group * n_pos;
    cp.n_batch = n_pos;
    cp.n_ubatch = n_pos;
    cp.kv_unified = false;
    cp.n_threads = threads;
    cp.n_threads_batch = threads;
    cp.type_k = GGML_TYPE_F32;
    cp.type_v = GGML_TYPE_F32;
    cp.flash_attn_type = LLAMA_FLASH_ATTN_TYPE_DISABLED;
    struct llama_context *ctx = llama_init_from_model(model, cp);
    if (ctx == NULL) {
        fprintf(stderr, "cannot create a context for %d sequences of %d positions\n", group, n_pos);
        return 1;
    }
    llama_memory_t memory = llama_get_memory(ctx);
    struct llama_batch batch = llama_batch_init(n_pos, 0, 1);

    llama_token **generated = malloc(sizeof(llama_token *) * n_prompts);
    float **margins = malloc(sizeof(float *) * n_prompts);
    int *counts = calloc(n_prompts, sizeof(int));
    int *produced = calloc(n_prompts, sizeof(int));
    llama_token *next = malloc(sizeof(llama_token) * group);
    int *row = malloc(sizeof(int) * group); /* index in the batch of each sequence's logits */
    double prefill_s = 0, decode_s = 0;
    long prompt_tokens = 0, produced_tokens = 0;
    for (int first = 0; first < n_prompts; first += group) {
        int g = first + group <= n_prompts ? group : n_prompts - first;
        llama_memory_clear(memory, true);
        double t0 = now();
        /* Prefill: whole prompts, as many per call as the batch holds. */
        int s = 0;
        while (s < g) {
            batch.n_tokens = 0;
            int from = s;
            while (s < g && batch.n_tokens + lengths[first + s] <= n_pos) {
                int n = lengths[first + s];
                for (int j = 0; j < n; j++) {
                    int k = batch.n_tokens++;
                    batch.token[k] = prompts[first + s][j];
                    batch.pos[k] = j;
                    batch.n_seq_id[k] = 1;
                    batch.seq_id[k][0] = s;
                    batch.logits[k] = j == n - 1;
                }
                row[s] = batch.n_tokens - 1;
                s++;
            }
            if (llama_decode(ctx, batch) != 0) {
                fprintf(stderr, "llama_decode failed on the prefill of prompts %d..%d\n", first + from,
                        first + s - 1);
                return 1;
            }
            for (int q = from; q < s; q++) {
                int i = first + q;
                generated[i] = malloc(sizeof(llama_token) * max_new);
                margins[i] = malloc(sizeof(float) * max_new);
                next[q] = argmax(llama_get_logits_ith(ctx, row[q]), n_vocab, &margins[i][0]);
                produced[i] = 1;
                prompt_tokens += lengths[i];
            }
        }
        double t1 = now();
        prefill_s += t1 - t0;
        /* Decode: one token of every running sequence per call. */
        for (;;) {
            batch.n_tokens = 0;
            for (int q = 0; q < g; q++) {
                int i = first + q;
                if (next[q] == eos || counts[i] == max_new) {
                    continue;
                }
                generated[i][counts[i]++] = next[q];
                if (counts[i] == max_new) {
                    continue;
                }
                int k = batch.n_tokens++;
                batch.token[k] = next[q];
                batch.pos[k] = lengths[i] + counts[i] - 1;
                batch.n_seq_id[k] = 1;
                batch.seq_id[k][0] = q;
                batch.logits[k] = 1;
                row[q] = k;
            }
            if (batch.n_tokens == 0) {
                break;
            }
            if (llama_decode(ctx, batch) != 0) {
                fprintf(stderr, "llama_decode failed decoding prompts %d..%d\n", first, first + g - 1);
                return 1;
            }
            for (int q = 0; q < g; q++) {
                int i = first + q;
                if (next[q] != eos && counts[i] < max_new) {
                    next[q] = argmax(llama_get_logits_ith(ctx, row[q]), n_vocab, &margins[i][produced[i]++]);
                }
            }
        }
        decode_s += now() - t1;
    }
    FILE *out = fopen(argv[6], "w");
    if (out == NULL) {
        fprintf(stderr, "cannot write %s\n", argv[6]);
        return 1;
    }
    for (int i = 0; i < n_prompts; i++) {
        fprintf(out, "%d\t", i);
        for (int j = 0; j < counts[i]; j++) {
            fprintf(out, j ? ",%d" : "%d", generated[i][j]);
        }
        fputc('\t', out);
        for (int j = 0; j < produced[i]; j++) {
            fprintf(out, j ? ",%.6g" : "%.6g", margins[i][j]);
        }
        fputc('\n', out);
        produced_tokens += produced[i];
    }
    fprintf(out, "timing\t%.6f\t%.6f\t%ld\t%ld\n", prefill_s, decode_s, prompt_tokens, produced_tokens);
    fclose(out);
    llama_batch_free(batch);
    llama_free(ctx);
    llama_model_free(model);
    llama_backend_free();
    return 0;
}
