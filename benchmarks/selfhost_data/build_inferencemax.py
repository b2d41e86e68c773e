#!/usr/bin/env python3
"""Rebuild build/inferencemax.csv (engine-table columns, read by normalize.py after engines.csv) from
raw/inferencemax.csv: single-node points of SemiAnalysis' InferenceMAX sweeps (GitHub Actions runs of
InferenceMAX/InferenceMAX, workflow run-sweep.yml, Dec 2025 - Jan 2026), one row per (run, layout,
concurrency), transcribed from the runs' aggregated results (agg_bmk.json) as copied into
gminneci/mantile reconcile/sources/inferencemax/raw/run_<id>/ @72ff84e. The InferenceMAX repository
itself keeps only the harness (now SemiAnalysisAI/InferenceX); the results were Actions artifacts.

What a point is (harness read at SemiAnalysisAI/InferenceX @a075f2e7, 2026-01-07):
 - benchmarks/benchmark_lib.sh: kimbochen/bench_serving benchmark_serving.py, --dataset-name random
   --random-range-ratio 0.8 (the workflow default in .github/workflows/benchmark-tmpl.yml), --request-rate inf,
   --max-concurrency N, --ignore-eos: N clients in a closed loop; input and output lengths uniform over
   [int(0.8 L), L] (bench_serving sample_random_requests), so the means are 0.9 L (921.5 for 1024, 7372.5 for
   8192); the published input/output throughput ratios agree (1.00, 8.0, 0.125);
 - utils/process_result.py (unchanged 2025-12-05 .. 2026-01-15): single node, tput_per_gpu =
   total_token_throughput / TP and output_tput_per_gpu = output_throughput / TP (one instance on TP GPUs, also
   with EP or attention-DP); latencies in seconds. tokens_per_s here = output_tput_per_gpu x TP (the run's
   output tokens/s);
 - the launch scripts (benchmarks/<prefix>_<prec>_<gpu>[_trt]_{slurm,docker}.sh) give the KV dtype and the
   number of prompts (10 x N, except DeepSeek-R1 on B200 where the runner's launch script sets 10, 20 or 50 x N:
   left blank).
MI355X (added 2026-11-30 with the GPU): the FP8 DeepSeek-R1-0528 points of SGLang 0.5.5.post3's ROCm build
(runs 20609406656 and, for 8 clients at 8k/1k, 20720630953; 4, 16 and 64 clients as for MI300X/MI325X), held out
as a GPU no profile saw; its launch script differs from MI325X's (--attention-backend aiter,
--enable-torch-compile, SGLANG_USE_AITER=1, INT4 quick-reduce all-reduce). Not taken: the MXFP4 preview checkpoint
(amd/DeepSeek-R1-0528-MXFP4-Preview) runs, served by SGLang 0.5.7, a later version than any profile, and AMD's
ATOM engine (no profile).
Usage: python3 build_inferencemax.py  (writes build/inferencemax.csv)
"""
import csv
import os
from collections import OrderedDict

from build_common import ENGINE_COLS, mean_len, write_build
HERE = os.path.dirname(os.path.abspath(__file__))
RAW = os.path.join(HERE, 'raw', 'inferencemax.csv')
COLS = ENGINE_COLS
GPU = {'h100': 'h100-sxm-80gb', 'h200': 'h200-141gb', 'b200': 'b200', 'b200-trt': 'b200', 'mi300x': 'mi300x',
       'mi325x': 'mi325x', 'mi355x': 'mi355x'}
MODEL = {'openai/gpt-oss-120b': 'gpt-oss-120b', 'deepseek-ai/DeepSeek-R1-0528': 'deepseek-r1-0528',
         'nvidia/DeepSeek-R1-0528-FP4-V2': 'deepseek-r1-0528'}
ENGINE = {'vllm': 'vllm', 'sglang': 'sglang', 'trt': 'trtllm'}
HARNESS = 'SemiAnalysisAI/InferenceX (formerly InferenceMAX/InferenceMAX) @a075f2e7'
SCRIPT = {('openai/gpt-oss-120b', 'h100', 'vllm'): 'gptoss_fp4_h100_{slurm,docker}.sh',
          ('openai/gpt-oss-120b', 'h200', 'vllm'): 'gptoss_fp4_h200_slurm.sh',
          ('openai/gpt-oss-120b', 'b200', 'vllm'): 'gptoss_fp4_b200_{slurm,docker}.sh',
          ('openai/gpt-oss-120b', 'b200-trt', 'trt'): 'gptoss_fp4_b200_trt_{slurm,docker}.sh',
          ('deepseek-ai/DeepSeek-R1-0528', 'h200', 'sglang'): 'dsr1_fp8_h200_slurm.sh',
          ('deepseek-ai/DeepSeek-R1-0528', 'b200', 'sglang'): 'dsr1_fp8_b200_{slurm,docker}.sh',
          ('deepseek-ai/DeepSeek-R1-0528', 'mi300x', 'sglang'): 'dsr1_fp8_mi300x_{slurm,docker}.sh',
          ('deepseek-ai/DeepSeek-R1-0528', 'mi325x', 'sglang'): 'dsr1_fp8_mi325x_{slurm,docker}.sh',
          ('deepseek-ai/DeepSeek-R1-0528', 'mi355x', 'sglang'): 'dsr1_fp8_mi355x_{slurm,docker}.sh',
          ('nvidia/DeepSeek-R1-0528-FP4-V2', 'b200', 'sglang'): 'dsr1_fp4_b200_{slurm,docker}.sh'}


def kv(r):
    """KV-cache dtype as the launch scripts set it: FP8 on every B200 script (vLLM kv-cache-dtype fp8, TRT-LLM
    kv_cache_config dtype fp8, SGLang --kv-cache-dtype fp8_e4m3); elsewhere not set (the engine's 'auto':
    the model's activation dtype, BF16)."""
    return ('fp8', 'set to FP8 by the launch script') if r['hw'].startswith('b200') else \
        ('bf16', 'KV dtype not set (engine default auto = BF16)')


def precision(r):
    if r['model'] == 'openai/gpt-oss-120b':
        return 'fp4', ('checkpoint openai/gpt-oss-120b as published: MoE weights MXFP4, attention/embeddings BF16 '
                       '(InferenceMAX labels it fp4)' + ('; Hopper runs it with VLLM_MXFP4_USE_MARLIN=1 (weight-only '
                                                         'MXFP4, BF16 math) per the H100/H200 scripts' if r['hw'] in ('h100', 'h200') else ''))
    if r['model'] == 'nvidia/DeepSeek-R1-0528-FP4-V2':
        return 'fp4', 'checkpoint nvidia/DeepSeek-R1-0528-FP4-V2 (NVFP4 ModelOpt; SGLang --quantization modelopt_fp4)'
    return 'fp8', 'checkpoint deepseek-ai/DeepSeek-R1-0528 (FP8 block-scaled weights)'



rows = []
for r in csv.DictReader(open(RAW, newline='')):
    tp, conc, isl, osl = int(r['tp']), int(r['conc']), int(r['isl']), int(r['osl'])
    ep, dpa = int(r['ep']), r['dp_attention'].lower() == 'true'
    prec, prec_note = precision(r)
    kvp, kv_note = kv(r)
    ds_b200 = r['model'].startswith(('deepseek-ai/', 'nvidia/')) and r['hw'] == 'b200'
    if r['run_date']:
        date, date_note = r['run_date'], f'run {r["run_id"]} created {r["run_date"]}'
    else:
        date = r['run_by']
        date_note = (f'run {r["run_id"]} lies between runs dated {r["run_after"]} and {r["run_by"]} (GitHub run ids '
                     f'increase with time); date = the later bound')
    layout = f'TP{tp}' + (f' EP{ep}' if ep > 1 else '') + (' attention-DP' if dpa else '')
    img = r['image'].replace('#', '/')
    ver = img.rsplit(':', 1)[1]
    eng = ENGINE[r['framework']]
    name = {'vllm': 'vLLM', 'sglang': 'SGLang', 'trtllm': 'TensorRT-LLM'}[eng]
    r_ = OrderedDict((c, '') for c in COLS)
    r_.update(
        round_or_source='inferencemax-2025-12', split='external-test', submitter='SemiAnalysis (InferenceMAX)',
        system=f'{tp}x {GPU[r["hw"]]}',
        benchmark=f'random {isl}/{osl} range 0.8 (~{mean_len(isl):g}/{mean_len(osl):g} mean) conc {conc} {layout}',
        scenario='server', model=MODEL[r['model']], gpu=GPU[r['hw']], gpus_total=tp, tp=tp, pp=1, replicas=1,
        precision=prec, kv_precision=kvp, engine=eng, engine_version=f'{name} {ver.lstrip("v")} (image {img})',
        isl_mean=mean_len(isl), osl_mean=mean_len(osl),
        tokens_per_s=round(float(r['output_tput_per_gpu']) * tp, 2),
        measured_ttft_ms=round(float(r['p99_ttft_s']) * 1e3, 2), measured_tpot_ms=round(float(r['p99_tpot_s']) * 1e3, 3),
        measured_ttft_mean_ms=round(float(r['mean_ttft_s']) * 1e3, 2),
        measured_tpot_mean_ms=round(float(r['mean_tpot_s']) * 1e3, 3),
        concurrency=conc, num_requests='' if ds_b200 else 10 * conc,
        expert_parallel=ep if ep > 1 else '', attention_dp='True' if dpa else '', nodes=1,
        publication_date=date,
        source=(f'{r["source"]} (InferenceMAX/InferenceMAX GitHub Actions run {r["run_id"]}, workflow run-sweep.yml, '
                f'artifact results_bmk; run date from gminneci/mantile reconcile/by_model/openai_GPT-OSS-120B/'
                f'inferencemax.csv @72ff84e); harness {HARNESS} benchmarks/benchmark_lib.sh, utils/process_result.py, '
                f'benchmarks/{SCRIPT[(r["model"], r["hw"], r["framework"])]}'),
        note=(f'InferenceMAX single-node sweep point: bench_serving random dataset, lengths uniform in [0.8 L, L] '
              f'(means 0.9 L), --ignore-eos, request rate inf, max concurrency {conc} (closed loop), '
              + ('prompts 10, 20 or 50 x concurrency (runner-dependent)' if ds_b200 else f'{10 * conc} prompts')
              + f'; one instance on {tp} GPUs ({layout}); tokens_per_s = output tok/s per GPU x TP; '
              f'{prec_note}; {kv_note}; measured_* are p99; total (input+output) {float(r["tput_per_gpu"]):.1f} tok/s/GPU; '
              f'median TTFT {float(r["median_ttft_s"]) * 1e3:.1f} ms, median TPOT {float(r["median_tpot_s"]) * 1e3:.2f} ms, '
              f'mean ITL {float(r["mean_itl_s"]) * 1e3:.2f} ms, mean end-to-end {float(r["mean_e2el_s"]):.2f} s; '
              f'concurrencies in the run for this layout: {r["conc_points_in_run"]}; {date_note}'))
    rows.append(r_)

rows.sort(key=lambda r: (r['model'], r['gpu'], r['engine'], r['precision'], r['isl_mean'], r['osl_mean'], int(r['tp']),
                         str(r['expert_parallel']), r['attention_dp'], int(r['concurrency'])))
write_build('inferencemax.csv', rows, COLS)
