"""Write README.md from nbs/index.ipynb (what `nbdev-readme` does through quarto, which needs a download).

    python tools/readme.py           # write README.md
    python tools/readme.py --check   # exit 1 if README.md differs from what index.ipynb says

Markdown cells are copied, visible code cells become ```python blocks (outputs are left out), `#| hide` cells are
skipped, links to doc pages (`gan.html`) point to the docs site, and pictures under `images/` to `nbs/images/`.
"""
import json, re, sys, tomllib
from pathlib import Path

root = Path(__file__).resolve().parent.parent
docs_url = tomllib.loads((root/'pyproject.toml').read_text())['project']['urls']['Documentation'].rstrip('/')

def _directives(src): return {m.group(1) for m in re.finditer(r'^#\|\s*([\w-]+)', src, re.M)}

def _strip_directives(src): return '\n'.join(l for l in src.splitlines() if not l.startswith('#|')).strip('\n')

def _links(md):
    md = re.sub(r'\]\((?!https?://|#)([\w.-]+\.html(?:#[\w-]*)?)\)', lambda m: f']({docs_url}/{m.group(1)})', md)
    return re.sub(r'\]\(images/', '](nbs/images/', md)

def readme(nb_path=root/'nbs'/'index.ipynb')->str:
    "The README text for the notebook at `nb_path`."
    parts = []
    for c in json.loads(Path(nb_path).read_text())['cells']:
        src = ''.join(c['source'])
        if c['cell_type']=='markdown': parts.append(_links(src.strip('\n')))
        elif c['cell_type']=='code' and not _directives(src) & {'hide', 'export', 'exporti'} and _strip_directives(src):
            parts.append(f"```python\n{_strip_directives(src)}\n```")
    title, rest = parts[0].split('\n', 1) if parts and parts[0].startswith('# ') else ('', '\n'.join(parts[:1]))
    head = [title, '<!-- Written by tools/readme.py from nbs/index.ipynb: edit the notebook, not this file. -->', rest.strip('\n')]
    return '\n\n'.join([p for p in head if p] + parts[1:]) + '\n'

if __name__=='__main__':
    text, f = readme(), root/'README.md'
    if '--check' in sys.argv:
        if f.read_text()!=text:
            sys.exit('README.md is not what nbs/index.ipynb says: run `python tools/readme.py` and commit README.md')
        print('README.md matches nbs/index.ipynb')
    else: f.write_text(text); print(f'wrote {f}')
