"""Quality: mode coverage on the WGAN-GP paper's Gaussian mixtures for `wgan-gp` (this package), `wgan-clip` (fastai's
stock weight-clipped `GANLearner.wgan`) and a plain PyTorch WGAN-GP loop with the same recipe as ours, at equal wall time,
over several seeds. Runs go two at a time, one CPU thread each, so each run has a core to itself.

    python bench/quality.py                                  # full run (about half an hour), appends to bench/RESULTS.md
    python bench/quality.py --budget8 1 --budget25 1 --seeds 0 --no-record    # smoke test
"""
import argparse, json, statistics, sys, tempfile
from results import record
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

def one(data, method, seed, budget):
    import torch
    torch.set_num_threads(1)
    from fastai.vision.all import set_seed
    from fastai_wgangp.job import train
    from fastai_wgangp.recipes import make_data, make_nets
    from fastai_wgangp.metrics import toy_mode_coverage
    if method=='plain':
        sys.path.insert(0, str(Path(__file__).parent))
        from plain import plain_wgan
        dls = make_data(data, seed)
        set_seed(seed); G,D = make_nets(data)
        steps = plain_wgan(dls.train, G, D, n_crit=5, weight=.1, lr=1e-3, lr_end=1e-5, betas=(.5, .9), budget=budget)
        G.eval()
        with torch.no_grad(): x = G(dls.train.noise(2500, torch.Generator().manual_seed(seed)).as_subclass(torch.Tensor))
        return dict(toy_mode_coverage(x, data), gen_steps=steps)
    m = train(data, method, budget=budget, out=tempfile.mkdtemp(), seed=seed, quiet=True, refine=0)   # the generators' own samples, as the plain loop's
    return dict(modes=m['modes'], n_modes=m['n_modes'], hq=m['hq'], gen_steps=m['steps']['generator'])

def main():
    p = argparse.ArgumentParser()
    p.add_argument('--budget8', type=float, default=120.); p.add_argument('--budget25', type=float, default=240.)
    p.add_argument('--seeds', default='0,1,2'); p.add_argument('--jobs', type=int, default=2)
    p.add_argument('--methods', default='wgan-gp,wgan-clip,plain'); p.add_argument('--no-record', action='store_true')
    a = p.parse_args()
    seeds,methods = [int(s) for s in a.seeds.split(',')],a.methods.split(',')
    jobs = [(d, m, s, a.budget8 if d=='gaussians8' else a.budget25) for d in ('gaussians8', 'gaussians25') for s in seeds for m in methods]
    with ProcessPoolExecutor(a.jobs) as ex: res = list(ex.map(one, *zip(*jobs)))
    rows = []
    for d in ('gaussians8', 'gaussians25'):
        for m in methods:
            rs = [r for (dd,mm,_,_),r in zip(jobs, res) if dd==d and mm==m]
            modes,hq = [r['modes'] for r in rs],[100*r['hq'] for r in rs]
            row = dict(data=d, method=m, modes=f"{statistics.mean(modes):.1f}/{rs[0]['n_modes']} (min {min(modes)})",
                       hq=f"{statistics.mean(hq):.1f} ± {statistics.pstdev(hq):.1f}", steps=f"{statistics.mean(r['gen_steps'] for r in rs):.0f}",
                       runs=', '.join(f"{r['modes']}/{r['hq']*100:.1f}%" for r in rs))
            rows.append(row); print(json.dumps(row), flush=True)
    if a.no_record: return
    record('Quality: mode coverage',
           f"budgets {a.budget8:g} s (gaussians8) and {a.budget25:g} s (gaussians25) of wall time per run, one thread per run, two runs at a time, "
           f"seeds {a.seeds}, 2,500 samples, high quality = within 3 sd of the nearest centre",
           ['data', 'method', 'modes (mean over seeds)', 'high-quality % (mean ± sd)', 'generator steps', 'per seed (modes/HQ)'],
           [[r[k] for k in ('data', 'method', 'modes', 'hq', 'steps', 'runs')] for r in rows])

if __name__=='__main__': main()
