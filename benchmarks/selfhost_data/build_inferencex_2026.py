#!/usr/bin/env python3
"""Rebuild build/inferencex_2026.csv (engine-table columns, read by normalize.py after inferencemax.csv) from
raw/inferencex_app_2026.csv: single-node DeepSeek-R1-0528 points of SemiAnalysis' InferenceX sweeps of
February - June 2026 (GitHub Actions runs of SemiAnalysisAI/InferenceX), run by engine versions newer than any
profile was fitted on (SGLang 0.5.9 and 0.5.12, CUDA and ROCm builds; TensorRT-LLM 1.2.0rc6.post2 and
1.3.0rc14). External test rows: never fitted (tco.engine.selfhost.measurements.NEWER_VERSIONS says which
profile predicts them).

Where the rows come from: vngcloud/InferenceX-app (a fork of SemiAnalysisAI/InferenceX-app)
packages/app/cypress/fixtures/api/benchmarks.json @528c414 (2026-06-14), Cypress fixtures written by
packages/app/scripts/capture-cypress-fixtures.ts from InferenceX's production API
(/api/v1/benchmarks?model=DeepSeek-R1-0528). The capture keeps the 10 latest dates per partition and then
SAMPLES the concurrencies down to about 1-5 per (config, ISL/OSL, date): these are not whole sweeps, and which
concurrencies survived is the script's choice, not ours. Each row carries its run (run_url), date and engine
image. raw/inferencex_app_2026.csv is the extract of the rows taken (``--extract`` below rewrites it from the
fixture): dated 2026-02-01 or later, single node (disagg false, is_multinode false), spec_method none (the
MTP rows are left out: their draft acceptance rates are not published), frameworks sglang and trt (ATOM and
the Dynamo/MoRI disaggregated frameworks have no profile). Not taken either: the fixture's rows of 2025-10 to
2026-01 (the December 2025 profiles' own era; two TensorRT-LLM 1.2.0rc6.post2 B200 FP8 points of 2026-01-29
among them). B300 rows are taken and stay in the data: the GPU is not in the catalog, so
measurements.role() excludes them with that reason.

What a point is: the harness is that of build_inferencemax.py (bench_serving random dataset, lengths uniform
in [int(0.8 L), L] so the means are 0.9 L, --ignore-eos, request rate inf, max concurrency N: a closed loop of
N clients; utils/process_result.py: output_tput_per_gpu = output tok/s / TP on one node, so tokens_per_s =
output_tput_per_gpu x TP), read here at the SemiAnalysisAI/InferenceX commit on main at each run's date (the
run's own commit is not in the fixture): .github/configs/{nvidia,amd}-master.yaml for the image and the
checkpoint (the fixture has neither checkpoint nor model path, only 'dsr1' and the precision), the launch
script for the KV dtype and the prompts (10 x N in every script here, B200 included). The images of the
configs at those commits are the fixture's. Launch-script changes since December 2025 that the profiles did
not see: the MI300X/MI325X scripts now set --kv-cache-dtype fp8_e4m3 and --attention-backend aiter (not set
in 2025-12). KV dtype: FP8 in every script here (SGLang fp8_e4m3, TensorRT-LLM kv_cache_config dtype fp8)
except SGLang's on H200, which sets none (auto = BF16), as in December.
The fixture's latencies are seconds; measured_* are p99s, *_mean_ms the means, as in build_inferencemax.py.
Usage: python3 build_inferencex_2026.py               (writes build/inferencex_2026.csv)
       python3 build_inferencex_2026.py --extract FIXTURE.json   (rewrites raw/inferencex_app_2026.csv first)
"""
import csv
import json
import os
import sys
from collections import OrderedDict

from build_common import ENGINE_COLS, mean_len, write_build

HERE = os.path.dirname(os.path.abspath(__file__))
RAW = os.path.join(HERE, 'raw', 'inferencex_app_2026.csv')
COLS = ENGINE_COLS
FIXTURE = ('vngcloud/InferenceX-app packages/app/cypress/fixtures/api/benchmarks.json @528c414 (2026-06-14; '
           'fork of SemiAnalysisAI/InferenceX-app; Cypress fixture captured from InferenceX\'s production API '
           '/api/v1/benchmarks?model=DeepSeek-R1-0528 by packages/app/scripts/capture-cypress-fixtures.ts, '
           'concurrencies sampled to about 1-5 per config)')
RAW_COLS = ['run_id', 'run_url', 'date', 'hw', 'framework', 'image', 'precision', 'spec_method', 'disagg', 'isl', 'osl',
            'tp', 'ep', 'dp_attention', 'conc', 'tput_per_gpu', 'output_tput_per_gpu', 'input_tput_per_gpu',
            'mean_ttft_s', 'median_ttft_s', 'p99_ttft_s', 'mean_tpot_s', 'median_tpot_s', 'p99_tpot_s', 'mean_itl_s',
            'mean_e2el_s', 'source']
GPU = {'h200': 'h200-141gb', 'b200': 'b200', 'b300': 'b300', 'mi300x': 'mi300x', 'mi325x': 'mi325x',
       'mi355x': 'mi355x'}
ENGINE = {'sglang': 'sglang', 'trt': 'trtllm'}
AMD = ('mi300x', 'mi325x', 'mi355x')
# SemiAnalysisAI/InferenceX on main at each run's date, and the folder of its single-node launch scripts then
HARNESS = {'2026-02-03': ('daa8239f7', 'benchmarks'), '2026-02-27': ('f267602ff', 'benchmarks/single_node'),
           '2026-03-05': ('ade7c0015', 'benchmarks/single_node'), '2026-03-25': ('12ba0ae07', 'benchmarks/single_node'),
           '2026-05-17': ('2fc18b759', 'benchmarks/single_node'), '2026-05-18': ('f3dbc40c9', 'benchmarks/single_node'),
           '2026-05-19': ('475218b64', 'benchmarks/single_node'), '2026-05-22': ('d4948f993', 'benchmarks/single_node'),
           '2026-05-27': ('bfad6df76', 'benchmarks/single_node'),
           '2026-06-11': ('263aace86', 'benchmarks/single_node/fixed_seq_len')}
METRIC = {'tput_per_gpu': 'tput_per_gpu', 'output_tput_per_gpu': 'output_tput_per_gpu',
          'input_tput_per_gpu': 'input_tput_per_gpu', 'mean_ttft_s': 'mean_ttft', 'median_ttft_s': 'median_ttft',
          'p99_ttft_s': 'p99_ttft', 'mean_tpot_s': 'mean_tpot', 'median_tpot_s': 'median_tpot',
          'p99_tpot_s': 'p99_tpot', 'mean_itl_s': 'mean_itl', 'mean_e2el_s': 'mean_e2el'}
"""Raw column: the fixture's metrics key (seconds, tokens/s per GPU)."""


def extract(path):
    """The rows taken from the fixture, in raw/inferencex_app_2026.csv's columns."""
    out = []
    with open(path) as f:
        fixture = json.load(f)
    for r in fixture:
        if (r['date'] < '2026-02-01' or r['disagg'] or r['is_multinode'] or r['spec_method'] != 'none'
                or r['framework'] not in ENGINE or r['model'] != 'dsr1'):
            continue
        # one instance: the prefill and decode fields repeat each other (num_*_gpu is TP x EP on the attention-DP
        # rows, the API's count, not the node's: the per-GPU figures are per TP GPUs, process_result.py)
        assert (r['prefill_tp'], r['prefill_ep'], r['prefill_dp_attention']) == \
            (r['decode_tp'], r['decode_ep'], r['decode_dp_attention']), r
        m = r['metrics']
        run_id = r['run_url'].split('/runs/')[1].split('/')[0]
        out.append(dict(
            run_id=run_id, run_url=r['run_url'], date=r['date'], hw=r['hardware'], framework=r['framework'],
            image=r['image'], precision=r['precision'], spec_method=r['spec_method'], disagg=r['disagg'],
            isl=r['isl'], osl=r['osl'], tp=r['decode_tp'], ep=r['decode_ep'], dp_attention=r['decode_dp_attention'],
            conc=r['conc'], **{k: m[v] for k, v in METRIC.items()}, source=FIXTURE.split(' (')[0]))
    out.sort(key=lambda r: (r['hw'], r['framework'], r['precision'], r['date'], r['isl'], r['osl'], r['tp'], r['conc']))
    return out


def write_raw(rows):
    with open(RAW, 'w', newline='') as f:
        w = csv.DictWriter(f, fieldnames=RAW_COLS, lineterminator='\n')
        w.writeheader()
        w.writerows(rows)
    print(f'wrote {len(rows)} rows to {os.path.relpath(RAW)}')


def precision_note(r):
    """The checkpoint, from the harness configs (nvidia-master.yaml / amd-master.yaml; the same for every run
    here), and how it is served."""
    if r['precision'] == 'fp8':
        return 'checkpoint deepseek-ai/DeepSeek-R1-0528 (FP8 block-scaled weights)'
    if r['hw'] in AMD:
        return ('checkpoint amd/DeepSeek-R1-0528-MXFP4-Preview (MXFP4 weights; the launch script passes no '
                'quantization flag)')
    how = 'SGLang --quantization modelopt_fp4' if r['framework'] == 'sglang' else 'read by TensorRT-LLM'
    return f'checkpoint nvidia/DeepSeek-R1-0528-FP4-V2 (NVFP4 ModelOpt; {how})'


def kv(r):
    """KV dtype as the launch scripts set it: SGLang --kv-cache-dtype fp8_e4m3 on B200, B300 and every AMD
    GPU, TensorRT-LLM kv_cache_config dtype fp8 on B200 and H200; SGLang on H200 sets none (auto = BF16)."""
    if r['hw'] == 'h200' and r['framework'] == 'sglang':
        return 'bf16', 'KV dtype not set (engine default auto = BF16)'
    return 'fp8', 'KV cache set to FP8 by the launch script'



def main(argv):
    if argv[:1] == ['--extract']:
        write_raw(extract(argv[1]))
    rows = []
    with open(RAW, newline='') as f:
        raw = list(csv.DictReader(f))
    for r in raw:
        tp, conc, isl, osl = int(r['tp']), int(r['conc']), int(r['isl']), int(r['osl'])
        ep, dpa = int(r['ep']), r['dp_attention'].lower() == 'true'
        prec_note = precision_note(r)
        kvp, kv_note = kv(r)
        layout = f'TP{tp}' + (f' EP{ep}' if ep > 1 else '') + (' attention-DP' if dpa else '')
        img = r['image']
        ver = img.rsplit(':', 1)[1].lstrip('v').split('-')[0]
        eng = ENGINE[r['framework']]
        name = {'sglang': 'SGLang', 'trtllm': 'TensorRT-LLM'}[eng]
        commit, folder = HARNESS[r['date']]
        script = f'{folder}/dsr1_{r["precision"]}_{r["hw"]}{"_trt" if eng == "trtllm" else ""}.sh'
        cfg = '.github/configs/' + ('amd' if r['hw'] in AMD else 'nvidia') + '-master.yaml'
        r_ = OrderedDict((c, '') for c in COLS)
        r_.update(
            round_or_source='inferencex-2026', split='external-test', submitter='SemiAnalysis (InferenceX)',
            system=f'{tp}x {GPU[r["hw"]]}',
            benchmark=f'random {isl}/{osl} range 0.8 (~{mean_len(isl):g}/{mean_len(osl):g} mean) conc {conc} {layout}',
            scenario='server', model='deepseek-r1-0528', gpu=GPU[r['hw']], gpus_total=tp, tp=tp, pp=1, replicas=1,
            precision=r['precision'], kv_precision=kvp, engine=eng,
            engine_version=f'{name} {ver} (image {img})',
            isl_mean=mean_len(isl), osl_mean=mean_len(osl),
            tokens_per_s=round(float(r['output_tput_per_gpu']) * tp, 2),
            measured_ttft_ms=round(float(r['p99_ttft_s']) * 1e3, 2),
            measured_tpot_ms=round(float(r['p99_tpot_s']) * 1e3, 3),
            measured_ttft_mean_ms=round(float(r['mean_ttft_s']) * 1e3, 2),
            measured_tpot_mean_ms=round(float(r['mean_tpot_s']) * 1e3, 3),
            concurrency=conc, num_requests=10 * conc,
            expert_parallel=ep if ep > 1 else '', attention_dp='True' if dpa else '', nodes=1,
            publication_date=r['date'],
            source=(f'{FIXTURE}, row of SemiAnalysisAI/InferenceX GitHub Actions run {r["run_id"]} ({r["run_url"]}), '
                    f'date {r["date"]}; harness SemiAnalysisAI/InferenceX @{commit} (main at the run\'s date) '
                    f'{cfg}, {script}, benchmarks/benchmark_lib.sh, utils/process_result.py'),
            note=(f'InferenceX single-node sweep point (one of the concurrencies the fixture kept): bench_serving '
                  f'random dataset, lengths uniform in [0.8 L, L] (means 0.9 L), --ignore-eos, request rate inf, '
                  f'max concurrency {conc} (closed loop), {10 * conc} prompts; one instance on {tp} GPUs ({layout}); '
                  f'tokens_per_s = output tok/s per GPU x TP; {prec_note}; {kv_note}; measured_* are p99; '
                  f'total (input+output) {float(r["tput_per_gpu"]):.1f} tok/s/GPU; '
                  f'median TTFT {float(r["median_ttft_s"]) * 1e3:.1f} ms, '
                  f'median TPOT {float(r["median_tpot_s"]) * 1e3:.2f} ms, '
                  f'mean ITL {float(r["mean_itl_s"]) * 1e3:.2f} ms, '
                  f'mean end-to-end {float(r["mean_e2el_s"]):.2f} s'))
        rows.append(r_)
    rows.sort(key=lambda r: (r['gpu'], r['engine'], r['precision'], r['engine_version'], r['isl_mean'], r['osl_mean'],
                             int(r['tp']), str(r['expert_parallel']), r['attention_dp'], int(r['concurrency'])))
    write_build('inferencex_2026.csv', rows, COLS)


if __name__ == '__main__':
    main(sys.argv[1:])
