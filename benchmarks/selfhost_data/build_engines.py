#!/usr/bin/env python3
"""Rebuild engines.csv (engine benchmark posts and docs) from:
 - raw/trtllm_v0.13.md, raw/trtllm_v0.14.md, raw/trtllm_v0.20.md: table rows transcribed from
   NVIDIA TensorRT-LLM docs/source/performance/perf-overview.md versions (read from the public repository)
 - raw/trtllm_v1.0_selected.csv: v1.0 rows (Blackwell, RTX Pro 6000, MoE models) transcribed likewise
 - local mirrors: dstackai/benchmarks (CSV raw data), InternLM/lmdeploy (docs), fetched with `fetch`
 - raw/dstack_mi300x_vllm_405b_bf16.csv: the vLLM rows of dstackai/benchmarks amd/tgi_vs_vllm (2024-10)
 - raw/datacrunch_h200_sglang.csv: datacrunch-research/h200-benchmarks sglang/outputs/*.jsonl (SGLang, 2024-12)
 - raw/augmxnt_mi300x_vllm_405b.csv: AUGMXNT/MI300-testing inference-vllm-llama3-405b*.ipynb cell outputs (vLLM, 8x MI300X, 2024-10/11)
 - a few figures stated in text (lmsys SGLang large-scale EP post, vLLM large-scale serving post)
Usage: python3 build_engines.py  (writes ../engines.csv)
"""
import csv, io, os, re, subprocess
from collections import OrderedDict
from build_common import ENGINE_COLS, write_build
HERE = os.path.dirname(os.path.abspath(__file__))
RAW = os.path.join(HERE, 'raw')
MIRROR = os.environ.get('TCO_MIRROR_DIR', 'mirrors')  # bare clones named owner+name/repo
COLS = ENGINE_COLS
rows = []


def add(**kw):
    r = OrderedDict((c, '') for c in COLS)
    for k, v in kw.items():
        assert k in r, k
        r[k] = v
    # split rule: fit-eligible if published before 2025-04-01 (an explicit split wins when the date is only a year)
    d = r['publication_date']
    if not r['split']:
        if len(d) < 7:
            raise ValueError(f'give split explicitly for date {d!r}')
        r['split'] = 'fit-eligible' if d < '2025-04-01' else 'external-test'
    rows.append(r)


def git(gitdir, *a):
    r = subprocess.run(['git', '--git-dir', gitdir] + list(a), capture_output=True, text=True)
    return r.stdout if r.returncode == 0 else None


def num(s):
    s = s.strip().replace(',', '')
    return float(s) if s else None


# ---------------- TensorRT-LLM perf-overview v0.13 / v0.14 (wide tables) ----------------
MODEL = {'LLaMA v3.1 8B': 'llama-3.1-8b-instruct', 'LLaMA v3.1 70B': 'llama-3.1-70b-instruct',
         'LLaMA v3.1 405B': 'llama-3.1-405b-instruct', 'LLaMA v2 70B': 'llama-2-70b-chat',
         'Mixtral 8x7B': 'mixtral-8x7b-instruct', 'Mixtral 8x22B': 'mixtral-8x22b-instruct',
         'Mistral 7B': 'mistral-7b-instruct'}
WIDE = {
    'v0.13': dict(file='trtllm_v0.13.md', date='2024-09-30', version='0.13.0',
                  cols=[('h200-141gb', 'fp8'), ('gh200', 'fp8'), ('h100-sxm-80gb', 'fp8'), ('h100-sxm-80gb', 'fp16'),
                        ('a100-sxm-80gb', 'fp16'), ('l40s', 'fp8')],
                  source='NVIDIA/TensorRT-LLM docs/source/performance/perf-overview.md @201135e (v0.13.0 release tag per GitHub release page, 2024-09-30; table text "generated using version 0.13.0"; commit of the copy read not resolved)'),
    'v0.14': dict(file='trtllm_v0.14.md', date='2024-11', version='0.14.0',
                  cols=[('h200-141gb', 'fp8'), ('h100-sxm-80gb', 'fp8'), ('h100-sxm-80gb', 'fp16'), ('a100-sxm-80gb', 'fp16'),
                        ('a100-pcie-80gb', 'fp16'), ('l40s', 'fp8')],
                  source='arthurrasmusson/TensorRT-LLM (fork of NVIDIA/TensorRT-LLM) docs/source/performance/perf-overview.md @e00d4e65 (table text "generated using version 0.14.0")'),
}
for ver, W in WIDE.items():
    model = isl = osl = None
    for line in open(os.path.join(RAW, W['file'])):
        if not line.startswith('|'):
            continue
        cells = [c.strip() for c in line.strip().strip('|').split('|')]
        if cells[0]:
            model = MODEL[cells[0]]
        if cells[1]:
            isl, osl = (int(x) for x in cells[1].split('/'))
        tp = int(cells[2])
        for (gpu, prec), v in zip(W['cols'], cells[3:]):
            val = num(v)
            if val is None:
                continue
            note = 'trtllm-bench offline max throughput (all requests at once), synthetic fixed ISL/OSL; output tokens/s'
            if gpu == 'gh200':
                note += '; column labelled "GH200 120GB" (HBM capacity of this GH200 variant not stated)'
            if gpu == 'l40s' or gpu == 'a100-pcie-80gb':
                note += '; PCIe cards'
            if model in ('llama-2-70b-chat', 'mixtral-8x22b-instruct', 'mistral-7b-instruct', 'mixtral-8x7b-instruct'):
                note += '; doc names the model family only (base vs instruct not stated)'
            add(round_or_source=f'trtllm-perf-overview-{ver}', submitter='NVIDIA', system=f'{tp}x {gpu}',
                benchmark=f'{isl}/{osl}', scenario='offline', model=model, gpu=gpu, gpus_total=tp, tp=tp, pp=1,
                replicas=1, precision=prec, kv_precision=('fp8' if prec == 'fp8' else ''), engine='trtllm',
                engine_version=W['version'], isl_mean=isl, osl_mean=osl, tokens_per_s=val,
                publication_date=W['date'], source=W['source'],
                note=note + ('; FP8 engines set the KV cache to FP8 automatically (per the doc)' if prec == 'fp8' else '')
                     + ('; date = month of the v0.14.0 release (exact day not verified)' if ver == 'v0.14' else ''))

# ---------------- TensorRT-LLM perf-overview v0.20 (narrow tables) ----------------
SRC20 = 'dominicshanshan/TensorRT-LLM (fork of NVIDIA/TensorRT-LLM) docs/source/performance/perf-overview.md @ab4143e1 (text: "data collected for the v0.20 benchmarks", PyTorch backend)'
hdr = None
for line in open(os.path.join(RAW, 'trtllm_v0.20.md')):
    line = line.strip()
    if line.startswith('## '):
        name, gpus, tps = [x.strip() for x in line[3:].split('|')]
        gpus = gpus.split(',')
        tps = [int(x) for x in tps.replace('tp', '').split()]
        if len(gpus) == 1:
            gpus = gpus * len(tps)
        prec = 'fp4' if 'FP4' in name else 'fp8'
        model = {'Llama 3.3 70B': 'llama-3.3-70b-instruct', 'Llama 3.1 405B': 'llama-3.1-405b-instruct',
                 'Llama 3.1 8B': 'llama-3.1-8b-instruct', 'Llama 4 Maverick': 'llama-4-maverick'}[name.rsplit(' ', 1)[0]]
        gmap = {'B200': 'b200', 'H200': 'h200-141gb', 'H100': 'h100-sxm-80gb'}
        hdr = (model, prec, [gmap[g] for g in gpus], tps)
        continue
    if not line.startswith('|'):
        continue
    cells = [c.strip() for c in line.strip('|').split('|')]
    isl, osl = (int(x) for x in cells[0].split(','))
    vals = cells[2:]
    model, prec, gpus, tps = hdr
    for gpu, tp, v in zip(gpus, tps, vals):
        val = num(v)
        if val is None:
            continue
        add(round_or_source='trtllm-perf-overview-v0.20', submitter='NVIDIA', system=f'{tp}x {gpu}',
            benchmark=f'{isl}/{osl}', scenario='offline', model=model, gpu=gpu, gpus_total=tp, tp=tp, pp=1, replicas=1,
            precision=prec, kv_precision='', engine='trtllm', engine_version='0.20 (PyTorch backend)',
            isl_mean=isl, osl_mean=osl, tokens_per_s=val, publication_date='2025', split='external-test',
            source=SRC20,
            note='trtllm-bench offline max throughput, synthetic fixed ISL/OSL; NVIDIA ModelOpt checkpoints (nvidia/*-FP4, *-FP8); KV dtype not stated in the table; published with v0.20 (after v0.19, so after 2025-04; exact date not resolved)'
                 + ('; MoE (Llama 4 Maverick 17B-128E)' if 'maverick' in model else ''))

# ---------------- TensorRT-LLM perf-overview v1.0 (selected) ----------------
SRC10 = 'NVIDIA/TensorRT-LLM docs/source/performance/perf-overview.md, v1.0 text ("NEW for v1.0" RTX 6000 Pro tables); commit not resolved (same version as @00f37686, whose dense H100/H200 rows are in calibration_trtllm.csv)'
MOE = {'qwen3-235b-a22b', 'qwen3-30b-a3b', 'deepseek-r1-0528', 'llama-4-maverick', 'llama-4-scout'}
for r in csv.DictReader(open(os.path.join(RAW, 'trtllm_v1.0_selected.csv'))):
    tp, pp = int(r['tp']), int(r['pp'])
    note = 'trtllm-bench offline max throughput (PyTorch backend), synthetic fixed ISL/OSL; NVIDIA ModelOpt checkpoints'
    if r['model'] in MOE:
        note += '; MoE: the doc runs MoE models with --ep $ep_size and enable_attention_dp: true (EP size per row not stated)'
    if r['gpu'] == 'gb200':
        note += '; GB200 in an NVL72 rack (doc: GB200 192GB)'
    if r['gpu'] == 'rtx-pro-6000-blackwell':
        note += '; RTX 6000 Pro Blackwell Server Edition (PCIe)'
    add(round_or_source='trtllm-perf-overview-v1.0', submitter='NVIDIA', system=f'{tp * pp}x {r["gpu"]}',
        benchmark=f'{r["isl"]}/{r["osl"]}', scenario='offline', model=r['model'], gpu=r['gpu'], gpus_total=tp * pp,
        tp=tp, pp=pp, replicas=1, precision=r['precision'], engine='trtllm', engine_version='1.0',
        isl_mean=r['isl'], osl_mean=r['osl'], tokens_per_s=float(r['output_tok_s']), publication_date='2025', split='external-test',
        source=SRC10, note=note + '; v1.0 release (2025, after 2025-04; exact date not resolved)')

# ---------------- dstack: Llama 3.1 405B FP8, vLLM, 8xH100 vs 8xMI300X ----------------
DB = f'{MIRROR}/dstackai+benchmarks/repo'
head = git(DB, 'rev-parse', 'HEAD').strip()[:10]
LBL = {
    '8xH100 1FP8-meta': dict(gpu='h100-sxm-80gb', n=8, tp=8, rep=1, ckpt='meta-llama/Llama-3.1-405B-FP8', ver='vLLM 0.6.3.post2.dev308+gb489fc3c'),
    '8xMi300x 1FP8-meta': dict(gpu='mi300x', n=8, tp=8, rep=1, ckpt='meta-llama/Llama-3.1-405B-FP8', ver='vLLM 0.6.3.dev109+gcb3b2b9b.d20241010 (ROCm)'),
    '8xMi300x 1FP8-amd': dict(gpu='mi300x', n=8, tp=8, rep=1, ckpt='amd/Llama-3.1-405B-Instruct-FP8-KV', ver='vLLM 0.6.4.dev4+gc9fc1608 (ROCm)'),
    '8xMi300 1FP8-amd': dict(gpu='mi300x', n=8, tp=8, rep=1, ckpt='amd/Llama-3.1-405B-Instruct-FP8-KV', ver='vLLM 0.6.4.dev4+gc9fc1608 (ROCm)'),
    '4xMi300x 1FP8-amd': dict(gpu='mi300x', n=4, tp=4, rep=1, ckpt='amd/Llama-3.1-405B-Instruct-FP8-KV', ver='vLLM 0.6.4.dev4+gc9fc1608 (ROCm)'),
    '8xMi300x 2FP8-amd': dict(gpu='mi300x', n=8, tp=4, rep=2, ckpt='amd/Llama-3.1-405B-Instruct-FP8-KV', ver='vLLM 0.6.4.dev4+gc9fc1608 (ROCm)'),
}
d405 = 'comparison/h100sxm5_vs_mi300x'
for r in csv.DictReader(io.StringIO(git(DB, 'show', f'HEAD:{d405}/csv_data/throughput_comparsion.csv').lstrip('\ufeff'))):
    L = LBL[' '.join(r['gpu'].split())]
    n_req, osl, isl, el = int(r['num_requests']), int(r['output_len']), int(r['input_len']), float(r['elapsed_time'])
    add(round_or_source='dstack-bench-2024-12', submitter='dstack', system=f'{L["n"]}x {L["gpu"]}', benchmark=f'{isl}/{osl} batch {n_req}',
        scenario='offline', model='llama-3.1-405b-instruct', gpu=L['gpu'], gpus_total=L['n'], tp=L['tp'], pp=1, replicas=L['rep'],
        precision='fp8', engine='vllm', engine_version=L['ver'], isl_mean=isl, osl_mean=osl,
        tokens_per_s=round(n_req * osl / el, 2), num_requests=n_req, publication_date='2024-12-05',
        source=f'dstackai/benchmarks {d405}/csv_data/throughput_comparsion.csv @{head} (data committed 2024-12-05, blog dstackai/dstack mkdocs/blog/posts/h100-mi300x-inference-benchmark.md dated 2024-12-05)',
        note=f'vLLM benchmark_throughput: {n_req} requests submitted at once; output tok/s = requests x output_len / elapsed (CSV tokens_per_second counts input+output); checkpoint {L["ckpt"]}'
             + ('; two TP4 replicas on 8 GPUs' if L['rep'] == 2 else ''))
for r in csv.DictReader(io.StringIO(git(DB, 'show', f'HEAD:{d405}/csv_data/qps_comparison.csv').lstrip('\ufeff'))):
    L = LBL[' '.join(r['gpu'].split())]
    n = int(r['completed'])
    add(round_or_source='dstack-bench-2024-12', submitter='dstack', system=f'{L["n"]}x {L["gpu"]}',
        benchmark=f'online {r["num_prompts"]} prompts at {r["request_rate"]} req/s', scenario='server',
        model='llama-3.1-405b-instruct', gpu=L['gpu'], gpus_total=L['n'], tp=L['tp'], pp=1, replicas=L['rep'],
        precision='fp8', engine='vllm', engine_version=L['ver'],
        isl_mean=round(int(r['total_input_tokens']) / n, 1), osl_mean=round(int(r['total_output_tokens']) / n, 1),
        tokens_per_s=round(float(r['output_throughput']), 2), measured_ttft_ms=round(float(r['p99_ttft_ms']), 1),
        measured_tpot_ms=round(float(r['p99_tpot_ms']), 1), measured_ttft_mean_ms=round(float(r['mean_ttft_ms']), 1),
        measured_tpot_mean_ms=round(float(r['mean_tpot_ms']), 1), num_requests=n, publication_date='2024-12-05',
        source=f'dstackai/benchmarks {d405}/csv_data/qps_comparison.csv @{head}',
        note=f'vLLM benchmark_serving, offered rate {r["request_rate"]} req/s (1000 = all at once), no latency target; measured_* are p99; checkpoint {L["ckpt"]}; '
             f'scheduler steps {r["num-scheduler-step"]}, chunked prefill {r["enable-chunked-prefill"]}, max-num-seqs {r["max-num-seqs"]}'
             + ('; two TP4 replicas' if L['rep'] == 2 else ''))

# ---------------- dstack: DeepSeek-R1 on 8xH200 and 8xMI300X (SGLang, vLLM, TRT-LLM) ----------------
BR = 'deepseek-r1-benchmark'
bh = git(DB, 'rev-parse', BR).strip()[:10]
VER = {('h200', 'sglang'): 'SGLang 0.4.3.post2', ('mi300', 'sglang'): 'SGLang 0.4.2.post4 (rocm/sglang-staging:20250212)',
       ('h200', 'vllm'): 'vLLM 0.7.4.dev181+gf35f8e22', ('mi300', 'vllm'): 'vLLM 0.7.3.dev138+g21f6ca217 (ROCm)',
       ('h200', 'trt-llm'): 'TensorRT-LLM 0.17.post1.dev (deepseek branch engine offline; commit 9b931c0f for trtllm-serve online)'}
ENG = {'sglang': 'sglang', 'vllm': 'vllm', 'trt-llm': 'trtllm'}
for r in csv.DictReader(io.StringIO(git(DB, 'show', f'{BR}:Deepseek-R1/raw_data/offline_results.csv').lstrip('\ufeff'))):
    g = r['GPU'].strip()
    gpu = 'h200-141gb' if g == 'h200' else 'mi300x'
    be = r['backend'].strip()
    n, el = int(r['num_requests']), float(r['elapsed_time'])
    note = f'offline batch of {n} requests (vLLM benchmark_throughput, modified for SGLang; custom script for TRT-LLM); output tok/s = total_output_tokens / elapsed; TP8 single instance'
    prec = 'fp8'
    if be == 'trt-llm':
        prec = ''
        note += '; TRT-LLM engine from the deepseek branch, checkpoint converted with --dtype bfloat16 (weight precision as run not stated)'
    else:
        note += '; deepseek-ai/DeepSeek-R1 checkpoint (FP8 block-scaled weights)'
    if be == 'sglang' and g == 'h200':
        note += '; online server used --enable-dp-attention (offline script launch flags: --tensor-parallel-size 8)'
    add(round_or_source='dstack-deepseek-r1-2025-03', submitter='dstack', system=f'8x {gpu}', benchmark=f'{r["input_len"]}/{r["output_len"]} batch {n}',
        scenario='offline', model='deepseek-r1', gpu=gpu, gpus_total=8, tp=8, pp=1, replicas=1, precision=prec,
        engine=ENG[be], engine_version=VER[(g, be)], isl_mean=int(r['input_len']), osl_mean=int(r['output_len']),
        tokens_per_s=round(int(r['total_output_tokens']) / el, 2), num_requests=n, publication_date='2025-03-18',
        source=f'dstackai/benchmarks Deepseek-R1/raw_data/offline_results.csv @{bh} (branch deepseek-r1-benchmark); blog dstackai/dstack docs/blog/posts/h200-mi300x-deepskeek-benchmark.md @8d2cf6d4 (2025-03-18)',
        note=note)
for r in csv.DictReader(io.StringIO(git(DB, 'show', f'{BR}:Deepseek-R1/raw_data/online_results.csv').lstrip('\ufeff'))):
    g = r['GPU'].strip()
    if not g:
        continue
    gpu = 'h200-141gb' if g == 'h200' else 'mi300x'
    be = r['backend'].strip()
    gk = 'h200' if g == 'h200' else 'mi300'
    ds = r['dataset_name'].strip()
    n = int(r['completed'])
    isl = int(r['total_input_tokens']) / n
    osl = int(r['total_output_tokens']) / n
    note = f'SGLang bench_serving (modified for TRT-LLM), max concurrency {r["max_concurrency"]}, {n} requests; measured_* are p99; TP8 single instance'
    if ds == 'generated-shared-prefix':
        note += '; generated-shared-prefix dataset: ~2000 of ~3200 prompt tokens shared (prefix caching test)'
    if be == 'sglang' and g == 'h200':
        note += '; --enable-dp-attention'
    add(round_or_source='dstack-deepseek-r1-2025-03', submitter='dstack', system=f'8x {gpu}',
        benchmark=(f'{ds} {r["random_input_len"]}/{r["random_output_len"]} conc {r["max_concurrency"]}' if ds == 'random'
                   else f'{ds} ~{isl:.0f}/{osl:.0f} (measured means) conc {r["max_concurrency"]}'),
        scenario='server', model='deepseek-r1', gpu=gpu, gpus_total=8, tp=8, pp=1, replicas=1,
        precision='fp8' if be != 'trt-llm' else '', engine=ENG[be], engine_version=VER[(gk, be)],
        isl_mean=round(isl, 1), osl_mean=round(osl, 1), tokens_per_s=round(float(r['output_throughput']), 2),
        measured_ttft_ms=round(float(r['p99_ttft_ms']), 1), measured_tpot_ms=round(float(r['p99_tpot_ms']), 1),
        measured_ttft_mean_ms=round(float(r['mean_ttft_ms']), 1), measured_tpot_mean_ms=round(float(r['mean_tpot_ms']), 1),
        concurrency=r['max_concurrency'], num_requests=n, publication_date='2025-03-18',
        source=f'dstackai/benchmarks Deepseek-R1/raw_data/online_results.csv @{bh} (branch deepseek-r1-benchmark)', note=note)

# ---------------- dstack: Llama 3.1 405B BF16, vLLM 0.6.3.dev116 (ROCm), 8xMI300X, batch sweeps ----------------
# raw/dstack_mi300x_vllm_405b_bf16.csv: the vLLM rows of dstack's TGI-vs-vLLM comparison, transcribed from the CSVs
SRC_TV = ('dstackai/benchmarks amd/tgi_vs_vllm/vllm/data/result_vllm_{sw}.csv @06c957ab (added as amd/inference/vllm/data/'
          'result_vllm_{sw}.csv in 9ece9436, 2024-10-08; setup in amd/inference/README.md @7f5bb44a, 2024-10-09)')
for r in csv.DictReader(open(os.path.join(RAW, 'dstack_mi300x_vllm_405b_bf16.csv'))):
    n = int(r['successful_requests'])
    isl, osl = int(r['total_input_tokens']) / n, int(r['total_generated_tokens']) / n
    add(round_or_source='dstack-tgi-vs-vllm-2024-10', submitter='dstack', system='8x mi300x',
        benchmark=f'sonnet {r["sweep"]} ~{isl:.0f}/{osl:.0f} (measured means) batch {n}', scenario='offline',
        model='llama-3.1-405b-instruct', gpu='mi300x', gpus_total=8, tp=8, pp=1, replicas=1, precision='bf16',
        engine='vllm', engine_version='vLLM 0.6.3.dev116+g151ef4ef (ROCm 6.1, built from source in the TGI image)',
        isl_mean=round(isl, 1), osl_mean=round(osl, 1), tokens_per_s=float(r['output_tok_s']), num_requests=n,
        measured_ttft_mean_ms=float(r['mean_ttft_ms']), measured_tpot_mean_ms=float(r['mean_tpot_ms']),
        publication_date='2024-10-08', source=SRC_TV.format(sw=r['sweep']),
        note=f'vLLM benchmark_serving, sonnet dataset, {n} prompts sent at once (rate inf); checkpoint '
             'meta-llama/Llama-3.1-405B-Instruct (BF16); server: vllm serve --tensor-parallel-size=8 '
             '--disable-log-requests --disable-frontend-multiprocessing (defaults otherwise); output lengths not '
             'forced (means from the CSV totals); p99 TTFT ' + r['p99_ttft_ms'] + ' ms, p99 TPOT ' + r['p99_tpot_ms'] + ' ms')

# ---------------- DataCrunch: SGLang (Dec 2024) on H200, Llama 3.3 70B (TP4) and Llama 3.1 405B (TP8), BF16 ----------------
# raw/datacrunch_h200_sglang.csv: every line of the three bench_serving output files, transcribed
SRC_DC = ('datacrunch-research/h200-benchmarks {f} @c091ef53 (line {l}; committed 2024-12-14); launch commands '
          'sglang/experiments/docker_dev_commands.txt @c091ef53')
MODEL_DC = {'meta-llama/Llama-3.3-70B-Instruct': 'llama-3.3-70b-instruct', 'meta-llama/Llama-3.1-405B-Instruct': 'llama-3.1-405b-instruct'}
seen_dc = set()
for r in csv.DictReader(open(os.path.join(RAW, 'datacrunch_h200_sglang.csv'))):
    n, tp = int(r['completed']), int(r['tp'])
    isl, osl = int(r['total_input_tokens']) / n, int(r['total_output_tokens']) / n
    key = (r['checkpoint'], r['dataset'], r['random_input_len'], r['random_output_len'], r['request_rate'], n)
    if key in seen_dc:  # the 4096/1024 offline command ran twice (lines 4 and 5, within 0.2 %): one run kept
        continue
    seen_dc.add(key)
    ds = (f'random {r["random_input_len"]}/{r["random_output_len"]} (uniform lengths, range ratio 0)'
          if r['dataset'] == 'random' else 'sharegpt')
    offline = r['request_rate'] == 'inf'
    add(round_or_source='datacrunch-h200-sglang-2024-12', submitter='DataCrunch', system=f'{tp}x h200-141gb',
        benchmark=(f'{ds} ~{isl:.0f}/{osl:.0f} (measured means) batch {n}' if offline
                   else f'{ds} ~{isl:.0f}/{osl:.0f} (measured means) online {n} prompts at {float(r["request_rate"]):g} req/s'),
        scenario='offline' if offline else 'server', model=MODEL_DC[r['checkpoint']], gpu='h200-141gb',
        gpus_total=tp, tp=tp, pp=1, replicas=1, precision='bf16', engine='sglang',
        engine_version='SGLang lmsysorg/sglang:dev image of Dec 2024 (about 0.4.0; version not pinned)',
        isl_mean=round(isl, 1), osl_mean=round(osl, 1), tokens_per_s=float(r['output_throughput']), num_requests=n,
        publication_date='2024-12-14', source=SRC_DC.format(f=r['file'], l=r['line']),
        note=f'sglang.bench_serving, {n} requests ' + ('sent at once' if offline else f'at {float(r["request_rate"]):g} req/s (Poisson)')
             + f'; checkpoint {r["checkpoint"]} (BF16); server --tp-size {tp} --disable-radix-cache --enable-torch-compile'
             + (' --mem-frac 0.87' if tp == 8 else '') + '; output lengths not forced (means from the totals); '
             f'medians only: TTFT {r["median_ttft_ms"]} ms, ITL {r["median_itl_ms"]} ms, mean end-to-end {r["mean_e2e_latency_ms"]} ms')

# ---------------- AUGMXNT (Hot Aisle node): vLLM 0.6.4.dev (ROCm), Llama 3.1 405B BF16 on 8x MI300X, batch sweeps ----------------
# raw/augmxnt_mi300x_vllm_405b.csv: every benchmark_serving result block printed in cell 4 of the four
# inference-vllm-llama3-405b*.ipynb notebooks, transcribed from the text outputs (charts not read)
SRC_AX = ('AUGMXNT/MI300-testing {f} @032bd4da (cell {c} text output, num_prompts={n}; notebook added in {a}, {d}); '
          'engine version from the notebook kernel (conda env "{env}") and that env\'s engine log in the same repository: {vsrc}')
VER_AX = {'vllm': ('vLLM 0.6.4.dev9+g5d264f4a (upstream, built from source for ROCm 6.2; PyTorch 2.6.0.dev20241015+rocm6.2)',
                   'inference-vllm-fa.ipynb (2024-10-16) and inference-vllm-gemm-tuning.ipynb (2024-10-28..30) log '
                   '"Initializing an LLM engine (v0.6.4.dev9+g5d264f4a)"'),
          'vllm-rocm': ('vLLM 0.6.4.dev5+g4bba0922 (ROCm/vllm fork, ROCm 6.2)',
                        'inference-vllm-vs-vllm-rocm.ipynb (2024-10-30) logs "Initializing an LLM engine (v0.6.4.dev5+g4bba0922)"')}
DATE_AX = {'1c878bd2': '2024-10-17', 'a933325d': '2024-10-19', '40e63e8b': '2024-11-03'}
MODEL_AX = {'meta-llama/Llama-3.1-405B-Instruct': 'llama-3.1-405b-instruct',
            'NousResearch/Hermes-3-Llama-3.1-405B': 'hermes-3-llama-3.1-405b'}
for r in csv.DictReader(open(os.path.join(RAW, 'augmxnt_mi300x_vllm_405b.csv'))):
    n = int(r['successful_requests'])
    isl, osl = int(r['total_input_tokens']) / n, int(r['total_generated_tokens']) / n
    ver, vsrc = VER_AX[r['kernel_env']]
    mns = r['max_num_seqs']
    flags = f'{r["checkpoint"]} --tensor-parallel-size=8 --disable-log-requests' + (f' --max-num-seqs {mns}' if mns else '') + \
        (f' --max_num_batched_tokens {r["max_num_batched_tokens"]}' if r['max_num_batched_tokens'] else '') + \
        (f' {r["other_flags"]}' if r['other_flags'] else '')
    note = (f'vLLM benchmark_serving (dstack\'s copy of the script), sonnet dataset (--sonnet-input-len 80 --sonnet-prefix-len 50, '
            f'output up to 150 tokens, not forced), {n} prompts sent at once (rate inf); checkpoint {r["checkpoint"]} (BF16); '
            f'server: VLLM_USE_TRITON_FLASH_ATTN=0 vllm serve {flags} (CK flash attention, hipBLASLt; prefix caching not enabled on the '
            f'command line); run {r["log_time"]} UTC per the benchmark log; mean lengths from the totals; median TTFT {r["median_ttft_ms"]} ms, '
            f'p99 TTFT {r["p99_ttft_ms"]} ms, median TPOT {r["median_tpot_ms"]} ms, p99 TPOT {r["p99_tpot_ms"]} ms')
    if r['kernel_env'] == 'vllm-rocm':
        note += ('; Hermes 3 is a fine-tune of Llama 3.1 405B (same architecture); the serve cell\'s output is stale (log file and '
                 'PID of the 2048 notebook) and its command was edited after the run (5c58a218: the earlier text named the Meta '
                 'checkpoint and also set --max_num_batched_tokens 2048), so the flags as run are uncertain')
    add(round_or_source='augmxnt-mi300x-vllm-2024-10', submitter='AUGMXNT (Hot Aisle node)', system='8x mi300x',
        benchmark=f'sonnet 80/150 ~{isl:.0f}/{osl:.0f} (measured means) batch {n}, ' + (f'max-num-seqs {mns}' if mns else 'default max-num-seqs'),
        scenario='offline', model=MODEL_AX[r['checkpoint']], gpu='mi300x', gpus_total=8, tp=8, pp=1, replicas=1, precision='bf16',
        engine='vllm', engine_version=ver, isl_mean=round(isl, 1), osl_mean=round(osl, 1), tokens_per_s=float(r['output_tok_s']),
        num_requests=n, measured_ttft_mean_ms=float(r['mean_ttft_ms']), measured_tpot_mean_ms=float(r['mean_tpot_ms']),
        max_batch=mns, publication_date=DATE_AX[r['added_in']],
        source=SRC_AX.format(f=r['file'], c=r['cell'], n=r['num_prompts'], a=r['added_in'], d=DATE_AX[r['added_in']],
                             env=r['kernel_env'], vsrc=vsrc),
        note=note)

# ---------------- LMDeploy ----------------
LM = f'{MIRROR}/InternLM+lmdeploy/repo'
add(round_or_source='lmdeploy-docs-2024-01', submitter='InternLM', system='4x a100-sxm-80gb', benchmark='request throughput, 3000 prompts',
    scenario='server', model='llama-2-70b-chat', gpu='a100-sxm-80gb', gpus_total=4, tp=4, pp=1, replicas=1, precision='fp16',
    engine='lmdeploy', engine_version='0.2.0 (TurboMind)', isl_mean=round((3467.969 - 1682.738) / 7.231, 1),
    osl_mean=round(1682.738 / 7.231, 1), tokens_per_s=1682.738, measured_ttft_mean_ms=1075, num_requests=3000,
    publication_date='2024-01-15',
    source='InternLM/lmdeploy docs/en/benchmark/a100_fp16.md @9e420561 (row added 2024-01-15; still present @1263d5cd)',
    note='all 3000 requests sent to the engine (request-throughput benchmark, max batch 256); mean ISL/OSL derived from total vs output tok/s and 7.231 req/s; doc lists the model as "llama2-70b" (chat vs base not stated); p99 token latency column 0.482 s not mapped to TPOT')
ds = git(LM, 'show', '6193d7cdb:docs/en/benchmark/deepseekv3.md')
sec = None
for line in ds.splitlines():
    m = re.match(r'### (v[0-9.]+) \+ `([0-9a-f]+)`', line)
    if m:
        sec = dict(ver=m.group(1), commit=m.group(2)); continue
    m = re.match(r'(\d+) nodes, (.*)$', line.strip())
    if m and sec:
        sec['nodes'] = int(m.group(1)); sec['layout'] = m.group(2); continue
    if sec and line.startswith('|') and re.match(r'\|\s*(\d+|Default)\s*\|', line):
        c = [x.strip() for x in line.strip().strip('|').split('|')]
        bsz, nprompt, isl, osl, inthr, outthr = c
        nodes = sec['nodes']
        date = {'9528a74': '2025-03-24', '1e77ed2': '2025-03-24', 'f24497f': '2025-04-10', '665f54f': '2025-04-18'}[sec['commit']]
        tp = 16 if 'TP16' in sec['layout'] else ''
        add(round_or_source='lmdeploy-docs-deepseekv3', submitter='InternLM', system=f'{nodes} nodes x 8 GPUs (GPU model not stated)',
            benchmark=f'random {isl}/{osl}, {nprompt} prompts', scenario='offline', model='deepseek-v3', gpu='',
            gpus_total=nodes * 8, tp=tp, pp=1 if tp else '', replicas=1 if tp else '', engine='lmdeploy',
            engine_version=f'{sec["ver"]} + {sec["commit"]} (PyTorch engine)', isl_mean=int(isl), osl_mean=int(osl),
            tokens_per_s=round(float(outthr) * nodes, 2), num_requests=int(nprompt), nodes=nodes,
            expert_parallel=32 if 'EP32' in sec['layout'] else '', attention_dp=True if 'DP32' in sec['layout'] else '',
            publication_date=date,
            source='InternLM/lmdeploy docs/en/benchmark/deepseekv3.md @6193d7cd (rows added 7b6a5759 2025-03-24 for v0.7.1/v0.7.2+1e77ed2; 0c8ce4ed 2025-04-10 and later for the others)',
            note=f'layout "{sec["layout"]}"; doc reports per-node output tok/s {outthr} (x{nodes} nodes here); max batch {bsz}; GPU type not stated in the doc (8 GPUs per node) => not usable for a fit until the GPU is known')

# ---------------- SGLang large-scale EP (text figures) ----------------
add(round_or_source='lmsys-blog-2025-05-05', submitter='SGLang team', system='9 decode nodes x 8 h100-sxm-80gb (of 12 nodes, PD disaggregation)',
    benchmark='decode-only, batch 256/GPU, KV length 2000', scenario='offline', model='deepseek-v3', gpu='h100-sxm-80gb',
    gpus_total=72, tp='', pp=1, replicas=1, precision='fp8', engine='sglang', engine_version='SGLang (May 2025 main; PD disaggregation + DeepEP + DeepGEMM + EPLB)',
    isl_mean=2000, osl_mean='', tokens_per_s=22282 * 9, nodes=9, expert_parallel=72, attention_dp=True,
    publication_date='2025-05-05', source='lm-sys/lm-sys.github.io blog/2025-05-05-large-scale-ep.md @2db4e404',
    note='decode table: 22,282 output tok/s per node on 9 decode nodes (DP attention + large-scale EP with DeepEP low-latency mode, two-batch overlap); prefill ran on separate nodes (52.3k input tok/s per node); the post gives TTFT 2-5 s and ITL ~100 ms; precision = FP8 (DeepGEMM FP8 kernels)')
add(round_or_source='lmsys-blog-2025-05-05', submitter='SGLang team', system='9 decode nodes x 8 h100-sxm-80gb',
    benchmark='decode-only, batch 128/GPU, KV length 4000, simulated MTP (slow attention)', scenario='offline', model='deepseek-v3',
    gpu='h100-sxm-80gb', gpus_total=72, pp=1, replicas=1, precision='fp8', engine='sglang', engine_version='SGLang (May 2025 main)',
    isl_mean=4000, tokens_per_s=17373 * 9, nodes=9, expert_parallel=72, attention_dp=True, publication_date='2025-05-05',
    source='lm-sys/lm-sys.github.io blog/2025-05-05-large-scale-ep.md @2db4e404',
    note='17,373 output tok/s per node with simulated MTP; not a plain decoding measurement')

# ---------------- vLLM large-scale serving (text figure) ----------------
add(round_or_source='vllm-blog-2025-12-17', submitter='vLLM team / llm-d community', system='multi-node h200-141gb (CoreWeave, InfiniBand CX-7), wide-EP',
    benchmark='production-like multi-node wide-EP', scenario='server', model='deepseek-v3', gpu='h200-141gb', engine='vllm',
    engine_version='vLLM V1 (late 2025)', tokens_per_s='', publication_date='2025-12-17',
    source='vllm-project/vllm-project.github.io _posts/2025-12-17-large-scale-serving.md @c3a01c4a',
    note='the post states a sustained 2.2k tokens/s per H200 GPU (community llm-d benchmark) with wide-EP + DP attention + DBO; GPU count, ISL/OSL and latency not stated in the post => tokens_per_s left blank (per-GPU figure only)')

rows.sort(key=lambda r: (r['round_or_source'], r['model'], r['gpu'], str(r['tp']), str(r['benchmark'])))
write_build('engines.csv', rows, COLS)
