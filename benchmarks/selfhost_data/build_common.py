"""What the builders in this folder share: the columns of an engine-document table and how a
build table is written (to $TCO_BUILD_DIR, default ./build)."""
import csv
import os

HERE = os.path.dirname(os.path.abspath(__file__))

ENGINE_COLS = ['round_or_source', 'split', 'submitter', 'system', 'benchmark', 'scenario', 'model', 'gpu', 'gpus_total',
               'tp', 'pp', 'replicas', 'precision', 'kv_precision', 'engine', 'engine_version', 'isl_mean', 'osl_mean',
               'tokens_per_s', 'ttft_p99_ms_limit', 'tpot_p99_ms_limit', 'measured_ttft_ms', 'measured_tpot_ms',
               'publication_date', 'source', 'note',
               'measured_ttft_mean_ms', 'measured_tpot_mean_ms', 'concurrency', 'num_requests', 'expert_parallel',
               'attention_dp', 'nodes', 'max_batch']
"""Columns of build/engines.csv and build/inferencemax.csv (engine documents, posts and sweeps)."""


def write_build(name, rows, cols):
    """Write ``rows`` to the build table ``name`` with columns ``cols``, and say so."""
    out = os.path.join(os.environ.get('TCO_BUILD_DIR', os.path.join(HERE, 'build')), name)
    os.makedirs(os.path.dirname(out), exist_ok=True)
    with open(out, 'w', newline='') as f:
        w = csv.DictWriter(f, fieldnames=cols)
        w.writeheader()
        w.writerows(rows)
    print(f'wrote {len(rows)} rows to {os.path.normpath(out)}')


def mean_len(n):
    """Mean length of bench_serving's random dataset at range ratio 0.8: lengths uniform in [int(0.8 L), L]
    (InferenceMAX's and InferenceX's sweeps)."""
    return (int(n * 0.8) + n) / 2
