#!/usr/bin/env python3
"""Rebuild mlperf.csv from local mirrors of mlcommons/inference_results_v4.1 and v5.1
(fetched bare git dirs), plus v4.0 rows transcribed by hand
(v40_rows.csv, because the v4.0 repo is too large to fetch), plus manual layout
facts (manual_layouts.csv) read from the submitters' code/measurements.

Usage: TCO_MIRROR_DIR=DIR python3 build_mlperf.py  (writes build/mlperf.csv)
"""
import csv, json, os, re, subprocess, sys
from collections import OrderedDict

from build_common import write_build
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import legacy_cfg

MIRROR = os.environ.get('TCO_MIRROR_DIR', 'mirrors')  # bare clones named owner+name/repo
ROUNDS = OrderedDict([
    ('v4.1', dict(git=f'{MIRROR}/mlcommons+inference_results_v4.1/repo', repo='mlcommons/inference_results_v4.1',
                  split='fit-eligible', date='2024-08-28')),
    ('v5.1', dict(git=f'{MIRROR}/mlcommons+inference_results_v5.1/repo', repo='mlcommons/inference_results_v5.1',
                  split='external-test', date='2025-09-09')),
])

COLS = ['round_or_source', 'split', 'submitter', 'system', 'benchmark', 'scenario', 'model', 'gpu', 'gpus_total',
        'tp', 'pp', 'replicas', 'precision', 'kv_precision', 'engine', 'engine_version', 'isl_mean', 'osl_mean',
        'tokens_per_s', 'ttft_p99_ms_limit', 'tpot_p99_ms_limit', 'measured_ttft_ms', 'measured_tpot_ms',
        'publication_date', 'source', 'note',
        # extra columns (not in the brief's list): kept at the end
        'samples_per_s', 'osl_measured', 'measured_ttft_mean_ms', 'measured_tpot_mean_ms', 'max_batch',
        'expert_parallel', 'attention_dp', 'nodes', 'power_setting', 'harness', 'accuracy_target', 'result_valid',
        'layout_source']

# benchmark -> (tco model id, isl_mean, osl_mean (reference), note)
BENCH = {
    'llama2-70b': ('llama-2-70b-chat',),
    'mixtral-8x7b': ('mixtral-8x7b-instruct',),
    'llama3.1-405b': ('llama-3.1-405b-instruct',),
    'llama3.1-8b': ('llama-3.1-8b-instruct',),
    'deepseek-r1': ('deepseek-r1',),
}
BENCH_LEN = {}  # filled from benchmarks.csv


def git(gitdir, *a):
    r = subprocess.run(['git', '--git-dir', gitdir] + list(a), capture_output=True, text=True)
    return r.stdout if r.returncode == 0 else None


def bench_base(b):
    b = b.replace('llama3_1', 'llama3.1')
    for k in BENCH:
        if b.startswith(k):
            return k
    return None


def parse_summary(txt):
    d = {}
    def grab(pat, cast=float):
        m = re.search(pat, txt, re.M)
        return cast(m.group(1)) if m else None
    d['scenario_lg'] = grab(r'^Scenario\s*:\s*(\S+)', str)
    d['tokens_per_s'] = grab(r'^Tokens per second\s*:\s*([0-9.eE+]+)') or grab(r'^Completed tokens per second\s*:\s*([0-9.eE+]+)')
    d['samples_per_s'] = grab(r'^Samples per second\s*:\s*([0-9.eE+]+)') or grab(r'^Completed samples per second\s*:\s*([0-9.eE+]+)')
    d['valid'] = grab(r'^Result is\s*:\s*(\S+)', str)
    ns = lambda p: (lambda v: None if v is None else v / 1e6)(grab(p))
    d['ttft_p99'] = ns(r'^99\.00 percentile first token latency \(ns\)\s*:\s*(\d+)')
    d['ttft_mean'] = ns(r'^Mean First Token latency \(ns\)\s*:\s*(\d+)')
    d['tpot_p99'] = ns(r'^99\.00 percentile time to output token \(ns\)\s*:\s*(\d+)')
    d['tpot_mean'] = ns(r'^Mean Time to Output Token \(ns\)\s*:\s*(\d+)')
    d['ttft_lim'] = ns(r'^ttft_latency \(ns\)\s*:\s*(\d+)')
    d['tpot_lim'] = ns(r'^tpot_latency \(ns\)\s*:\s*(\d+)')
    return d


def gpu_id(name, host=''):
    n = (name or '').upper()
    if 'MI300X' in n and 'MI325X' in n:
        return 'mi300x+mi325x'
    table = [('GB300', 'gb300'), ('GB200', 'gb200'), ('B200', 'b200'), ('GH200', None), ('H200-NVL', 'h200-nvl-141gb'),
             ('H200 NVL', 'h200-nvl-141gb'), ('H200', 'h200-141gb'), ('H100-NVL', 'h100-nvl-94gb'), ('H100 NVL', 'h100-nvl-94gb'),
             ('H100-PCIE', 'h100-pcie-80gb'), ('H100', 'h100-sxm-80gb'), ('L40S', 'l40s'), ('MI325X', 'mi325x'),
             ('MI300X', 'mi300x'), ('RTX PRO 6000', 'rtx-pro-6000-blackwell'), ('B60 DUAL', 'intel-arc-pro-b60-dual'), ('B60', 'intel-arc-pro-b60'),
             ('GAUDI2', 'gaudi2'), ('GAUDI 2', 'gaudi2'), ('TPU', 'tpu')]
    for k, v in table:
        if k in n:
            if k == 'GH200':
                return 'gh200-144gb' if '144' in n else 'gh200-96gb'
            return v
    return ''


def load_manual():
    rows = []
    p = os.path.join(HERE, 'manual_layouts.csv')
    with open(p) as f:
        for r in csv.DictReader(f):
            rows.append(r)
    return rows


def match_manual(man, rnd, sub, sysn, bench, scen):
    """Merge every matching manual row in file order (later non-empty fields win; notes accumulate)."""
    merged = None
    for r in man:
        if r['round'] != rnd or r['submitter'] != sub:
            continue
        if not re.fullmatch(r['system_re'], sysn):
            continue
        if r['bench_re'] and not re.fullmatch(r['bench_re'], bench):
            continue
        if r['scenario'] not in ('', '*') and r['scenario'].lower() != scen.lower():
            continue
        if merged is None:
            merged = dict(r)
            continue
        for k, v in r.items():
            if k == 'note':
                merged['note'] = '; '.join(x for x in [merged.get('note', ''), v] if x)
            elif v != '':
                merged[k] = v
    return merged


# ---------------- NVIDIA-harness configs ----------------

def sysid_map(gitdir, sub):
    """system_id (results dir name w/o harness suffix) -> KnownSystem enum name."""
    m = {}
    src = git(gitdir, 'show', f'HEAD:closed/{sub}/code/common/systems/system_list.py') or ''
    for a, b, counts in re.findall(r'add_systems\(\s*"([^"]+)",\s*"([^"]+)",.*?\[([0-9, ]+)\]', src, re.S):
        for c in counts.split(','):
            c = c.strip()
            if c:
                m[b.format(c)] = a.format(c)
    src = git(gitdir, 'show', f'HEAD:closed/{sub}/code/common/systems/custom_list.py') or ''
    for a, b in re.findall(r"custom_systems\['([^']+)'\].*?system_id=\"([^\"]+)\"", src):
        m[b] = a
    return m


def strip_suffix(sysn):
    s = sysn
    flags = set()
    for suf in ['_TRT_TRT', '_TRT_Triton', '_TRT_MaxQ', '_TRT', '_Triton', '_MaxQ']:
        pass
    while True:
        for suf in ['_TRT', '_Triton', '_MaxQ']:
            if s.endswith(suf):
                flags.add(suf[1:])
                s = s[: -len(suf)]
                break
        else:
            break
    return s, flags


_legacy_cache = {}


def legacy_layout(rnd, gitdir, sub, sysn, bench_dir, scen):
    base = bench_base(bench_dir)
    cfg_bench = {'llama2-70b': 'llama2-70b', 'mixtral-8x7b': 'mixtral-8x7b', 'llama3.1-405b': 'llama3_1-405b',
                 'llama3.1-8b': 'llama3_1-8b'}.get(base)
    if not cfg_bench:
        return None
    key = (gitdir, sub, cfg_bench, scen)
    if key not in _legacy_cache:
        _legacy_cache[key] = legacy_cfg.load(gitdir, sub, cfg_bench, scen)
    cfgs = _legacy_cache[key]
    if not cfgs:
        return None
    sid, flags = strip_suffix(sysn)
    smap = sysid_map(gitdir, sub)
    enum = smap.get(sid)
    cands = [enum] if enum else []
    cands.append(sid.replace('-', '_'))
    harness = 'Triton' if 'Triton' in flags else 'Custom'
    power = 'MaxQ' if 'MaxQ' in flags else 'MaxP'
    acc = 'k_99_9' if bench_dir.endswith('99.9') else 'k_99'
    for e in cands:
        for a in ([acc, 'k_99', 'k_99_9'] if acc == 'k_99_9' else [acc, 'k_99_9']):
            for h in [harness, 'Custom']:
                r = cfgs.get((e, h, a, power))
                if r is None:
                    # case-insensitive system match
                    for k, v in cfgs.items():
                        if k[0].lower() == e.lower() and k[1:] == (h, a, power):
                            r = v
                            break
                if r is not None:
                    r = dict(r)
                    r['_match'] = f'{e}/{h}/{a}/{power}'
                    r['_fallback'] = (a != acc) or (h != harness)
                    return r
    return None


def v5_layout(gitdir, sub, sysn, bench_dir, scen):
    """NVIDIA dict-style configs (v5.x): closed/<sub>/configs/<sys>/<Scenario>/<bench>.py"""
    base = bench_base(bench_dir)
    fname = {'llama2-70b': 'llama2-70b', 'mixtral-8x7b': 'mixtral-8x7b', 'llama3.1-405b': 'llama3_1-405b',
             'llama3.1-8b': 'llama3_1-8b', 'deepseek-r1': 'deepseek-r1'}[base]
    sid, flags = strip_suffix(sysn)
    tried = []
    for d in [sysn, sid, sid + '_TRT']:
        p = f'closed/{sub}/configs/{d}/{scen}/{fname}.py'
        tried.append(p)
        src = git(gitdir, 'show', f'HEAD:{p}')
        if src:
            break
    else:
        return None
    # split EXPORTS into WorkloadSetting blocks; pick the block of this run's harness/accuracy/power
    acc = '0.999' if bench_dir.endswith('99.9') else '0.99'
    harness = 'Triton' if 'Triton' in flags else 'Custom'
    power = 'MaxQ' if 'MaxQ' in flags else 'MaxP'
    starts = [m.start() for m in re.finditer(r'C\.WorkloadSetting\(', src)]
    body = src
    chosen = ''
    if len(starts) > 1:
        blocks = []
        for i, st in enumerate(starts):
            en = starts[i + 1] if i + 1 < len(starts) else len(src)
            hdr = src[st:st + 200]
            h = re.search(r'HarnessType\.(\w+)', hdr)
            a = re.search(r'AccuracyTarget\(([0-9.]+)\)', hdr)
            pw = re.search(r'PowerSetting\.(\w+)', hdr)
            blocks.append(((h.group(1) if h else ''), (a.group(1) if a else ''), (pw.group(1) if pw else ''), src[st:en]))
        for want in [(harness, acc, power), (harness, '0.99', power), ('Custom', acc, 'MaxP'), ('Custom', '0.99', 'MaxP')]:
            hit = [b for b in blocks if b[:3] == want]
            if hit:
                b = hit[0][3]
                if re.search(r'tensor_parallelism|precision', b):
                    body = b
                    chosen = '/'.join(want)
                break
    def allv(pat):
        return [m.group(1) for m in re.finditer(pat, body)]
    def one(vals, cast=str):
        vals = [v for v in vals]
        if not vals:
            return None, ''
        u = list(OrderedDict.fromkeys(vals))
        return cast(u[0]), ('' if len(u) == 1 else f'multiple values in config: {"/".join(u)}')
    out = {'_path': p + (f' [WorkloadSetting {chosen}]' if chosen else '')}
    notes = []
    for key, pat in [('tp', r'tensor_parallelism\s*:\s*(\d+)'), ('pp', r'pipeline_parallelism\s*:\s*(\d+)'),
                     ('ep', r'moe_expert_parallelism\s*:\s*(\d+)'),
                     ('precision', r"model_fields\.precision\s*:\s*'([a-z0-9]+)'"),
                     ('kv', r"'kv_cache_dtype'\s*:\s*'([a-z0-9]+)'"),
                     ('batch', r"gpu_batch_size\s*:\s*\{\s*'[^']+'\s*:\s*(\d+)"),
                     ('adp', r"'enable_attention_dp'\s*:\s*(True|False)"),
                     ('dp', r'data_parallelism\s*:\s*(\d+)')]:
        v, n = one(allv(pat))
        out[key] = v
        if n:
            notes.append(f'{key}: {n}')
    out['_notes'] = '; '.join(notes)
    return out


_tree_cache = {}


def amd_yaml_layout(gitdir, sub, bench_dir, scen, gpu):
    """AMD harness_llm yaml (v5.x AMD and partner submissions):
    closed/<sub>/code/<bench_dir>/harness_llm/models/<model>/<scenario>_<gpu>.yaml"""
    if gitdir not in _tree_cache:
        _tree_cache[gitdir] = git(gitdir, 'ls-tree', '-r', '--name-only', 'HEAD').splitlines()
    model = 'mixtral-8x7b' if bench_dir.startswith('mixtral') else 'llama2-70b'
    g = {'mi300x': 'mi300x', 'mi325x': 'mi325x'}.get(gpu)
    if not g:
        return None
    want = f'/harness_llm/models/{model}/{scen.lower()}_{g}.yaml'
    cands = [f for f in _tree_cache[gitdir] if re.match(rf'closed/{re.escape(sub)}/code(_AMD)?/', f) and f.endswith(want)]
    pref = [f for f in cands if re.match(rf'closed/{re.escape(sub)}/code(_AMD)?/{re.escape(bench_dir)}/', f)]
    if not (pref or cands):
        return None
    p = (pref or cands)[0]
    src = git(gitdir, 'show', f'HEAD:{p}') or ''
    def v(key):
        m = re.search(rf'^\s*{key}\s*:\s*([^#\n]+)', src, re.M)
        return m.group(1).strip().strip('"') if m else ''
    return {'tp': v('tensor_parallel_size'), 'pp': v('pipeline_parallel_size') or '1', 'quant': v('quantization'),
            'kv': v('kv_cache_dtype'), 'batch': v('max_num_seqs'), 'devices': v('device_count'), '_path': p}


def trtllm_version(gitdir, sub, cache={}):
    k = (gitdir, sub)
    if k in cache:
        return cache[k]
    src = git(gitdir, 'show', f'HEAD:closed/{sub}/Makefile.build') or ''
    v = ''
    m = re.search(r'^TRTLLM_PUBLIC_HASH\s*\??=\s*([0-9a-f]{8,40})', src, re.M)
    if m:
        v = f'TensorRT-LLM git {m.group(1)[:10]} (TRTLLM_PUBLIC_HASH)'
    else:
        m = re.search(r'^TRTLLM_HASH\s*\??=\s*([0-9a-f]{8,40})', src, re.M)
        if m:
            v = f'TensorRT-LLM git {m.group(1)[:10]} (TRTLLM_HASH)'
    cache[k] = v
    return v


def load_bench_lengths():
    p = os.path.join(HERE, 'benchmarks.csv')
    with open(p) as f:
        for r in csv.DictReader(f):
            BENCH_LEN[r['benchmark']] = r


def main():
    load_bench_lengths()
    man = load_manual()
    rows = []
    pat = re.compile(r'^closed/([^/]+)/results/([^/]+)/((?:llama|mixtral|deepseek)[^/]*)/([^/]+)/performance/run_1/mlperf_log_summary.txt$')
    for rnd, R in ROUNDS.items():
        gitdir = R['git']
        commit = git(gitdir, 'rev-parse', 'HEAD').strip()
        files = [f for f in git(gitdir, 'ls-tree', '-r', '--name-only', 'HEAD').splitlines() if pat.match(f)]
        for f in files:
            sub, sysn, bench_dir, scen_dir = pat.match(f).groups()
            base = bench_base(bench_dir)
            if base is None or bench_dir.endswith('-edge'):
                continue
            scen = {'offline': 'Offline', 'server': 'Server', 'interactive': 'Interactive'}.get(scen_dir.lower())
            if scen is None:
                continue
            s = parse_summary(git(gitdir, 'show', f'HEAD:{f}') or '')
            sj = json.loads(git(gitdir, 'show', f'HEAD:closed/{sub}/systems/{sysn}.json') or '{}')
            accel = sj.get('accelerator_model_name', '')
            apn = int(sj.get('accelerators_per_node') or 0)
            nodes = int(sj.get('number_of_nodes') or 1)
            if apn == 0 or 'N/A' in str(accel):
                continue  # CPU-only submissions are out of scope
            gpus = apn * nodes
            fw = sj.get('framework', '')
            row = OrderedDict((c, '') for c in COLS)
            row.update(round_or_source=f'mlperf-{rnd}', split=R['split'], submitter=sub, system=sysn,
                       benchmark=bench_dir.replace('llama3_1', 'llama3.1'), scenario=scen.lower(),
                       model=BENCH[base][0], gpu=gpu_id(accel), gpus_total=gpus, nodes=nodes,
                       tokens_per_s=s['tokens_per_s'], samples_per_s=s['samples_per_s'], result_valid=s['valid'],
                       publication_date=R['date'],
                       source=f"{R['repo']} closed/{sub}/results/{sysn}/{bench_dir}/{scen_dir}/performance/run_1/mlperf_log_summary.txt @{commit[:10]}; systems/{sysn}.json")
            bl = BENCH_LEN.get(base, {})
            row['isl_mean'] = bl.get('isl_mean', '')
            row['osl_mean'] = bl.get('osl_mean', '')
            if s['tokens_per_s'] and s['samples_per_s']:
                row['osl_measured'] = round(s['tokens_per_s'] / s['samples_per_s'], 1)
            if scen in ('Server', 'Interactive'):
                row['ttft_p99_ms_limit'] = s['ttft_lim'] or ''
                row['tpot_p99_ms_limit'] = s['tpot_lim'] or ''
                for k, kk in [('measured_ttft_ms', 'ttft_p99'), ('measured_tpot_ms', 'tpot_p99'),
                              ('measured_ttft_mean_ms', 'ttft_mean'), ('measured_tpot_mean_ms', 'tpot_mean')]:
                    v = s[kk]
                    row[k] = round(v, 2) if v is not None else ''
            row['accuracy_target'] = '99.9' if bench_dir.endswith('99.9') else ('99' if bench_dir.endswith('-99') else '')
            notes = []
            # engine from framework string
            fl = fw.lower()
            if 'tensorrt' in fl:
                row['engine'] = 'trtllm'
                row['engine_version'] = trtllm_version(gitdir, sub)
                row['harness'] = 'Triton' if 'Triton' in sysn else 'NVIDIA custom (TRT-LLM)'
            elif 'vllm' in fl:
                row['engine'] = 'vllm'
                m = re.search(r'vllm[ -]?(?:v)?([0-9][^,; ]*)', fw, re.I)
                row['engine_version'] = ('vLLM ' + m.group(1)) if m else ''
            row['power_setting'] = 'MaxQ' if 'MaxQ' in sysn else ''
            # layout: NVIDIA-harness configs
            lay = None
            if row['engine'] == 'trtllm':
                lay = None
                if rnd.startswith('v5'):
                    lay = v5_layout(gitdir, sub, sysn, bench_dir, scen)
                if lay:
                    row['tp'] = int(lay['tp']) if lay['tp'] else ''
                    row['pp'] = int(lay['pp']) if lay['pp'] else ''
                    row['precision'] = lay['precision'] or ''
                    row['kv_precision'] = lay['kv'] or ''
                    row['max_batch'] = lay['batch'] or ''
                    row['expert_parallel'] = lay['ep'] or ''
                    row['attention_dp'] = lay['adp'] or ''
                    row['layout_source'] = lay['_path']
                    if lay['_notes']:
                        notes.append(lay['_notes'])
                else:
                    lay = legacy_layout(rnd, gitdir, sub, sysn, bench_dir, scen)
                    if lay:
                        tp = lay.get('tensor_parallelism') or 1
                        pp = lay.get('pipeline_parallelism') or 1
                        row['tp'], row['pp'] = tp, pp
                        row['precision'] = 'fp8' if lay.get('use_fp8') else (lay.get('precision') or '')
                        row['kv_precision'] = 'fp8' if lay.get('use_fp8') else ''
                        gb = lay.get('gpu_batch_size')
                        if isinstance(gb, dict):
                            gb = list(gb.values())[0]
                        row['max_batch'] = gb if isinstance(gb, int) else ''
                        row['layout_source'] = f"{lay['origin']} class {lay['class']} ({lay['_match']})"
                        if lay['_fallback']:
                            notes.append('layout from the config class of the other accuracy target/harness (same system)')
            if row['engine'] == 'vllm' and row['tp'] == '' and rnd.startswith('v5'):
                lay = amd_yaml_layout(gitdir, sub, bench_dir, scen, row['gpu'])
                if lay and lay['tp']:
                    row['tp'], row['pp'] = int(lay['tp']), int(lay['pp'])
                    row['precision'] = lay['quant'] or ''
                    row['kv_precision'] = lay['kv'] or ''
                    row['max_batch'] = lay['batch'] or ''
                    row['layout_source'] = lay['_path']
                    if not lay['kv']:
                        notes.append('kv_cache_dtype not set in the yaml (vLLM default auto)')
                    if lay['devices'] and str(gpus) != lay['devices']:
                        notes.append(f"yaml device_count {lay['devices']} differs from system GPU count")
            # manual facts override / complete
            mr = match_manual(man, rnd, sub, sysn, bench_dir, scen)
            if mr:
                for k in ['tp', 'pp', 'replicas', 'precision', 'kv_precision', 'engine', 'engine_version', 'expert_parallel', 'attention_dp', 'max_batch']:
                    if mr.get(k, '') == '-':
                        row[k] = ''
                    elif mr.get(k, '') != '':
                        row[k] = mr[k]
                if mr.get('layout_source'):
                    row['layout_source'] = mr['layout_source']
                if mr.get('note'):
                    notes.append(mr['note'])
            # precision fallback: measurements/<sys>/<bench>/<scen>/*.json weight_data_types
            if row['precision'] == '':
                mj = ''
                for bd in dict.fromkeys([bench_dir, bench_dir.replace('llama3.1', 'llama3_1'), bench_dir.replace('llama3_1', 'llama3.1')]):
                    for fn in [f'{sysn}.json', f'{sysn}_{scen_dir}.json']:
                        mj = git(gitdir, 'show', f'HEAD:closed/{sub}/measurements/{sysn}/{bd}/{scen_dir}/{fn}') or ''
                        if mj:
                            break
                    if mj:
                        break
                m = re.search(r'"weight_data_types"\s*:\s*"([^"]+)"', mj)
                if m:
                    row['precision'] = m.group(1).strip().lower()
                    notes.append('precision from the submitter-declared measurements json weight_data_types (NVIDIA-harness jsons sometimes declare the source dtype, not the quantized one)')
            # replicas
            try:
                tp, pp = int(row['tp']), int(row['pp'])
                if row['replicas'] == '':
                    rep = gpus / (tp * pp)
                    row['replicas'] = int(rep) if rep == int(rep) else round(rep, 2)
                    if rep != int(rep):
                        notes.append('gpus_total not a multiple of tp*pp')
            except (ValueError, TypeError):
                pass
            if row['tp'] == '':
                notes.append('layout not determined')
            if not row['engine']:
                notes.append(f'engine not determined (framework: {fw})')
            if s['valid'] and s['valid'] != 'VALID':
                notes.append(f'loadgen result {s["valid"]}')
            row['note'] = '; '.join(n for n in notes if n)
            rows.append(row)
    # v4.0 rows transcribed by hand (optional file)
    p40 = os.path.join(HERE, 'v40_rows.csv')
    if os.path.exists(p40):
        with open(p40) as f:
            for r in csv.DictReader(f):
                row = OrderedDict((c, r.get(c, '')) for c in COLS)
                base = bench_base(row['benchmark'])
                bl = BENCH_LEN.get(base, {})
                row['isl_mean'] = row['isl_mean'] or bl.get('isl_mean', '')
                row['osl_mean'] = row['osl_mean'] or bl.get('osl_mean', '')
                rows.append(row)
    rows.sort(key=lambda r: (r['round_or_source'], r['model'], r['submitter'], r['system'], r['benchmark'], r['scenario']))
    write_build('mlperf.csv', rows, COLS)


if __name__ == '__main__':
    main()
