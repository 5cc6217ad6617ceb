"""Generates the golden metric files in this directory from Debian's description lists.

Run with sacrebleu 2.6.0 and nltk 3.10.3 installed:

    lz4 -dc bookworm-main-Translation-en.lz4 > en.txt
    lz4 -dc bookworm-main-Translation-fr.lz4 > fr.txt
    python generate_golden.py en.txt fr.txt OUTDIR

Outputs: sacrebleu-golden.json (corpus and sentence BLEU of sacrebleu 2.6.0 under many configurations),
porter-nltk-golden.tsv (word -> nltk PorterStemmer().stem(word), NLTK_EXTENSIONS mode),
debian-synopses-en.txt (the English synopses used, one per line).
"""
import json
import re
import sys

import nltk
import sacrebleu
from nltk.stem import porter
from sacrebleu.metrics import BLEU


def synopses(path, lang):
    out = []
    key = 'Description-%s: ' % lang
    with open(path, encoding='utf-8') as f:
        for line in f:
            if line.startswith(key):
                out.append(line[len(key):].rstrip('\n'))
    return out


def triples(syn, step, count):
    hyps, r1, r2 = [], [], []
    for j in range(0, step * count, step):
        hyps.append(syn[j])
        r1.append(syn[j + 1])
        r2.append(syn[j + 2])
    return hyps, [r1, r2]


HARD_HYPS = [
    'The "quick" brown fox &amp; co. jumped over 1,000.5 dogs in 1990-2000.',
    'Use <skipped> tokens, e.g. U.S.A. and don\'t stop -- ok?',
    '',
    '   leading and trailing spaces   ',
    'tabs\tand\u00a0no-break\u2009thin\u202fspaces',
    'Symbols \u20ac100 \u00a9 2024 \u2192 done! (really) [yes] {no}',
    '\u4e2d\u6587\u6d4b\u8bd5 and \u65e5\u672c\u8a9e text',
    'caf\u00e9 na\u00efve \u00c9COLE Stra\u00dfe \u0130stanbul',
    'x86_64 amd64/i386 v2.0.1-rc3 foo@bar.org http://example.com/a?b=c',
    'It wasn\'t surprising.',
    '\u00ab\u202fguillemets\u202f\u00bb et ponctuation\u202f; fran\u00e7aise\u202f!',
    'a b c d e f g h',
]
HARD_REFS1 = [
    'The quick brown fox & co. jumped over 1,000.5 dogs in 1990 - 2000.',
    'Use tokens, e.g. U.S.A. and do not stop - ok?',
    'empty hypothesis here',
    'leading and trailing spaces',
    'tabs and no-break thin spaces',
    'Symbols \u20ac 100 \u00a9 2024 \u2192 done ! ( really ) [ yes ] { no }',
    '\u4e2d\u6587 \u6d4b\u8bd5 and \u65e5\u672c\u8a9e text',
    'cafe naive ECOLE Strasse Istanbul',
    'x86_64 amd64 / i386 v2.0.1 - rc3 foo@bar.org http://example.com/a?b=c',
    'It was not surprising.',
    '\u00ab guillemets \u00bb et ponctuation ; fran\u00e7aise !',
    'a b c d',
]
HARD_REFS2 = [
    'A quick brown fox and co jumped over 1000.5 dogs between 1990 and 2000.',
    '',
    'no hypothesis',
    '',
    'tabs and spaces',
    '',
    '\u4e2d\u6587\u6d4b\u8bd5',
    'caf\u00e9 na\u00efve \u00e9cole stra\u00dfe',
    '',
    'It wasn\'t surprising at all.',
    '',
    'a b c d e f g h i j',
]

CONFIGS = [
    {},
    {'tokenize': 'none'},
    {'tokenize': 'intl'},
    {'tokenize': 'char'},
    {'lowercase': True},
    {'tokenize': 'intl', 'lowercase': True},
    {'smooth_method': 'none'},
    {'smooth_method': 'floor'},
    {'smooth_method': 'floor', 'smooth_value': 0.01},
    {'smooth_method': 'add-k'},
    {'smooth_method': 'add-k', 'smooth_value': 0.5},
    {'max_ngram_order': 2},
    {'max_ngram_order': 6},
    {'effective_order': True},
    {'effective_order': True, 'smooth_method': 'none'},
    {'tokenize': 'char', 'max_ngram_order': 6, 'smooth_method': 'floor'},
]


def bleu_cases(name, hyps, streams, nstreams_list):
    cases = []
    for nstreams in nstreams_list:
        refs = streams[:nstreams]
        for cfg in CONFIGS:
            metric = BLEU(**cfg)
            corpus = metric.corpus_score(hyps, refs)
            # The signature reflects the last call's references, so take it before sentence scoring.
            signature = str(metric.get_signature())
            sentences = [metric.sentence_score(h, [r[i] for r in refs]).score for i, h in enumerate(hyps)]
            cases.append({
                'corpus': name,
                'streams': nstreams,
                'config': cfg,
                'expected': {
                    'score': corpus.score,
                    'counts': list(corpus.counts),
                    'totals': list(corpus.totals),
                    'sys_len': corpus.sys_len,
                    'ref_len': corpus.ref_len,
                    'bp': corpus.bp,
                    'signature': signature,
                    'sentence_scores': sentences,
                },
            })
    return cases


def main():
    en_path, fr_path, out = sys.argv[1], sys.argv[2], sys.argv[3]
    en = synopses(en_path, 'en')
    fr = synopses(fr_path, 'fr')
    en_h, en_r = triples(en, 150, 40)
    fr_h, fr_r = triples(fr, 50, 40)
    corpora = {
        'debian-en': {'hypotheses': en_h, 'reference_streams': en_r},
        'debian-fr': {'hypotheses': fr_h, 'reference_streams': fr_r},
        'edge-cases': {'hypotheses': HARD_HYPS, 'reference_streams': [HARD_REFS1, HARD_REFS2]},
    }
    cases = []
    for name, c in corpora.items():
        cases += bleu_cases(name, c['hypotheses'], c['reference_streams'], [1, 2])
    with open(out + '/sacrebleu-golden.json', 'w', encoding='utf-8') as f:
        json.dump({
            'about': 'Scores computed by sacrebleu %s (BLEU(**config).corpus_score / sentence_score) on the corpora '
                     'below; see README.md and generate_golden.py.' % sacrebleu.__version__,
            'corpora': corpora,
            'cases': cases,
        }, f, ensure_ascii=False, indent=0)

    stemmer = porter.PorterStemmer()
    words = set()
    for s in en:
        for w in re.sub(r'[^a-z0-9]+', ' ', s.lower()).split():
            if w.isalpha():
                words.add(w)
    words = sorted(words)[::4]
    with open(out + '/porter-nltk-golden.tsv', 'w', encoding='utf-8') as f:
        f.write('# word\tnltk %s PorterStemmer().stem(word)\n' % nltk.__version__)
        for w in words:
            f.write('%s\t%s\n' % (w, stemmer.stem(w)))

    with open(out + '/debian-synopses-en.txt', 'w', encoding='utf-8') as f:
        for s in en[::150][:400]:
            f.write(s + '\n')


if __name__ == '__main__':
    main()
