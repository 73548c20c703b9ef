"""Check the output of `nbdev-proc-nbs` (the docs build's first stage) in `_proc/`:

- every notebook in nbs/ was processed;
- every public function and class of the package (each module's `__all__`, and the methods it patches onto fastai's
  classes) has a `show_doc` entry on its module's page;
- every relative link to a page (`[gan](gan.html)`) in a notebook's markdown names an existing page.

    nbdev-proc-nbs --force && python tools/check_docs.py
"""
import ast, importlib, inspect, json, re, sys
from pathlib import Path

root = Path(__file__).resolve().parent.parent
nbs, proc = root/'nbs', root/'_proc'

def page(nb:Path)->str: return re.sub(r'^\d+[zZ]*_', '', nb.stem)   # nbdev's page name: 03_gan.ipynb -> gan.html

def cells(nb): return json.loads(nb.read_text())['cells']

def documented(nb)->set:
    "Names passed to `show_doc` in the processed notebook."
    res = set()
    for c in cells(nb):
        if c['cell_type']!='code': continue
        try: tree = ast.parse(''.join(l for l in c['source'] if not l.lstrip().startswith(('%', '!'))))
        except SyntaxError: continue
        for n in ast.walk(tree):
            if isinstance(n, ast.Call) and getattr(n.func, 'id', None)=='show_doc' and n.args: res.add(ast.unparse(n.args[0]))
    return res

def default_exp(nb)->str|None:
    for c in cells(nb):
        m = re.search(r'^#\|\s*default_exp\s+(\S+)', ''.join(c['source']), re.M)
        if m: return m.group(1)

def public(modname:str)->set:
    "Functions and classes in the module's `__all__`, and `Class.method`s it patches onto classes defined elsewhere."
    mod = importlib.import_module(f"fastai_wgangp.{modname}")
    res = {n for n in getattr(mod, '__all__', []) if (inspect.isfunction(o:=getattr(mod, n)) or inspect.isclass(o)) and o.__module__==mod.__name__}
    from fastai_wgangp._modidx import d
    for sym in d['syms'].get(f'fastai_wgangp.{modname}', {}):
        cls, _, meth = sym.removeprefix(f'fastai_wgangp.{modname}.').partition('.')
        if meth and cls not in getattr(mod, '__all__', []) and not cls.startswith('_') and not meth.startswith('_'): res.add(f'{cls}.{meth}')
    return res

def main():
    errs, pages = [], {page(nb) for nb in nbs.glob('*.ipynb') if not nb.name.startswith(('_', '.'))}
    for nb in sorted(nbs.glob('*.ipynb')):
        if nb.name.startswith(('_', '.')): continue
        out = proc/nb.name
        if not out.exists() or out.stat().st_mtime < nb.stat().st_mtime: errs.append(f'{nb.name}: not processed by nbdev-proc-nbs'); continue
        if (mod:=default_exp(nb)) and mod!='all':
            missing = sorted(public(mod) - documented(out))
            if missing: errs.append(f'{nb.name}: no show_doc for {", ".join(missing)}')
        for c in cells(nb):
            if c['cell_type']!='markdown': continue
            for link in re.findall(r'\]\((?!https?://|#|mailto:)([^)\s#]+)', ''.join(c['source'])):
                if link.endswith('.html') and link[:-5] not in pages: errs.append(f'{nb.name}: link to a page that does not exist: {link}')
                elif not link.endswith('.html') and not (nbs/link).exists(): errs.append(f'{nb.name}: link to a file that does not exist: {link}')
    n = len([nb for nb in nbs.glob('*.ipynb') if not nb.name.startswith(('_', '.'))])
    for e in errs: print(e)
    print(f'docs: {n} notebooks, {len(errs)} problem(s)')
    sys.exit(1 if errs else 0)

if __name__=='__main__': main()
