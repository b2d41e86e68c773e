"""Resolve NVIDIA-harness (MLPerf v4.x) python config classes without executing them.

Parses configs/<bench>/__init__.py, configs/<bench>/<Scenario>/__init__.py and custom.py
with `ast`, resolves literal class attributes through the class hierarchy, and returns
{(system_name, harness, accuracy, power): {attr: value}}.
"""
import ast, subprocess

WANT = {'tensor_parallelism', 'pipeline_parallelism', 'gpu_batch_size', 'use_fp8', 'precision',
        'server_target_qps', 'offline_expected_qps', 'max_num_tokens', 'kvcache_free_gpu_mem_frac',
        'use_triton', 'power_limit', 'enable_sort', 'llm_gen_config_path', 'system'}


def git_show(gitdir, path, commit='HEAD'):
    r = subprocess.run(['git', '--git-dir', gitdir, 'show', f'{commit}:{path}'], capture_output=True, text=True)
    return r.stdout if r.returncode == 0 else None


def _val(node):
    try:
        return ast.literal_eval(node)
    except Exception:
        pass
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == 'KnownSystem':
        return ('SYS', node.attr)
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == 'Scenario':
        return ('SCEN', node.attr)
    return ('EXPR', ast.unparse(node))


def parse_classes(src, classes, origin):
    tree = ast.parse(src)
    for n in tree.body:
        if not isinstance(n, ast.ClassDef):
            continue
        bases = []
        for b in n.bases:
            if isinstance(b, ast.Name):
                bases.append(b.id)
            elif isinstance(b, ast.Attribute):
                bases.append(b.attr)
        attrs = {}
        for st in n.body:
            if isinstance(st, ast.Assign) and len(st.targets) == 1 and isinstance(st.targets[0], ast.Name):
                attrs[st.targets[0].id] = _val(st.value)
        reg = None
        for d in n.decorator_list:
            if isinstance(d, ast.Call) and 'register' in ast.unparse(d.func):
                args = [ast.unparse(a).split('.')[-1] for a in d.args]
                reg = tuple(args)
        classes[n.name] = {'bases': bases, 'attrs': attrs, 'reg': reg, 'origin': origin}


def resolve(classes, name, attr, depth=0):
    c = classes.get(name)
    if c is None or depth > 30:
        return None
    if attr in c['attrs']:
        return c['attrs'][attr]
    for b in c['bases']:
        v = resolve(classes, b, attr, depth + 1)
        if v is not None:
            return v
    return None


def load(gitdir, sub, bench, scen, commit='HEAD'):
    classes = {}
    base = f'closed/{sub}/configs/{bench}'
    for p in [f'{base}/__init__.py', f'{base}/{scen}/__init__.py', f'{base}/{scen}/custom.py']:
        s = git_show(gitdir, p, commit)
        if s:
            lines = s.split('\n')
            for _ in range(20):  # drop lines that do not parse (e.g. wrapped comments)
                try:
                    parse_classes('\n'.join(lines), classes, p)
                    break
                except SyntaxError as e:
                    if not e.lineno:
                        break
                    del lines[e.lineno - 1]
    out = {}
    for name, c in classes.items():
        if not c['reg']:
            continue
        sysv = resolve(classes, name, 'system')
        if not (isinstance(sysv, tuple) and sysv[0] == 'SYS'):
            continue
        r = {a: resolve(classes, name, a) for a in WANT}
        r['class'] = name
        r['origin'] = c['origin']
        out[(sysv[1], ) + tuple(c['reg'])] = r
    return out
