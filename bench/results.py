"Append a benchmark's table to bench/RESULTS.md, with the machine and the exact command that produced it."
import os, platform, sys, time
from pathlib import Path

def record(title:str, setup:str, header:list, rows:list, notes=()):
    "Append a section `title` with `setup` (what one run is), a table of `rows` under `header`, and `notes`."
    import torch
    cmd = ' '.join(['python', f'bench/{Path(sys.argv[0]).name}', *sys.argv[1:]])
    lines = [f"\n## {title} — {time.strftime('%Y-%m-%d')}\n",
             f"Machine: {platform.machine()}, {os.cpu_count()} cores, torch {torch.__version__}, Python {platform.python_version()}  ",
             f"Command: `{cmd}` — {setup}\n",
             '| ' + ' | '.join(header) + ' |', '|' + '---|'*len(header)]
    lines += ['| ' + ' | '.join(str(v) for v in r) + ' |' for r in rows]
    lines += ['\n'+n for n in notes]
    with open(Path(__file__).parent/'RESULTS.md', 'a') as f: f.write('\n'.join(lines) + '\n')
