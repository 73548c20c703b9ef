"""Digits: Fréchet distance in the digits classifier's feature space of `wgan-gp` vs `wgan-clip` (fastai's stock
weight-clipped `GANLearner.wgan`) at equal wall time, with the real-vs-real floor and the classes present; `--methods`
takes any of the main job's losses, as LOSS or LOSS/NETS (e.g. r3gan/dcgan). Runs go two at a time, one CPU thread each.

    python bench/digits.py                                   # full run, appends to bench/RESULTS.md
    python bench/digits.py --budget 2 --seeds 0 --no-record  # smoke test
"""
import argparse, json, statistics, sys, tempfile
from results import record
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

def one(method, seed, budget):
    import torch
    torch.set_num_threads(1)
    from fastai_wgangp.job import train
    loss,_,nets = method.partition('/')   # 'r3gan/dcgan': a loss with other networks (--nets)
    m = train('digits', loss, budget=budget, out=tempfile.mkdtemp(), seed=seed, quiet=True, nets=nets or None)
    return dict(fd=m['fd'], classes=m['classes_present'], gen_steps=m['steps']['generator'])

def floors():
    "FD of real digits against all 1,797: a bootstrap sample of 2,500 (the generated sample size) and the 359-image test split."
    import torch
    from fastai_wgangp.data import digits
    from fastai_wgangp.metrics import digits_fd, digits_fd_floor
    return dict(bootstrap=digits_fd_floor(2500, 16), test_split=digits_fd(digits(16, split='test')[0].as_subclass(torch.Tensor)))

def main():
    p = argparse.ArgumentParser()
    p.add_argument('--budget', type=float, default=150.); p.add_argument('--seeds', default='0,1,2')
    p.add_argument('--jobs', type=int, default=2); p.add_argument('--no-record', action='store_true')
    p.add_argument('--methods', default='wgan-gp,wgan-clip')
    a = p.parse_args()
    seeds,methods = [int(s) for s in a.seeds.split(',')],a.methods.split(',')
    jobs = [(m, s, a.budget) for s in seeds for m in methods]
    with ProcessPoolExecutor(a.jobs) as ex: res = list(ex.map(one, *zip(*jobs)))
    fl = floors()
    rows = []
    for m in methods:
        rs = [r for (mm,_,_),r in zip(jobs, res) if mm==m]
        fds = [r['fd'] for r in rs]
        rows.append(dict(method=m, fd=f"{statistics.mean(fds):.2f} ± {statistics.pstdev(fds):.2f}", classes=f"{min(r['classes'] for r in rs)}–{max(r['classes'] for r in rs)}",
                         steps=f"{statistics.mean(r['gen_steps'] for r in rs):.0f}", runs=', '.join(f"{f:.2f}" for f in fds), mean=statistics.mean(fds)))
        print(json.dumps(rows[-1]), flush=True)
    by = {r['method']: r['mean'] for r in rows}
    ratio = by['wgan-gp']/by['wgan-clip'] if {'wgan-gp', 'wgan-clip'} <= set(by) else None
    print(f"floor: {fl}" + (f"; wgan-gp ÷ wgan-clip FD {ratio:.2f}" if ratio else ''))
    if a.no_record: return
    record('Digits: Fréchet distance',
           f"{a.budget:g} s of wall time per run, one thread per run, two runs at a time, seeds {a.seeds}, 2,500 samples at 16×16 "
           "against all 1,797 digits, in the features of the package's digits classifier",
           ['method', 'FD (mean ± sd)', 'classes present (min–max)', 'generator steps', 'per seed'],
           [[r[k] for k in ('method', 'fd', 'classes', 'steps', 'runs')] for r in rows]
           + [['real vs real (floor)', f"{fl['bootstrap']:.2f} (bootstrap of 2,500); {fl['test_split']:.2f} (test split, 359)", 10, '–', '–']],
           [f"wgan-gp ÷ wgan-clip FD: {ratio:.2f} (target ≤ 0.5)"] if ratio else [])

if __name__=='__main__': main()
