"""Conditional GANs: the main job with --conditional against its unconditional default, over three seeds, at a fixed
number of epochs or a wall-time budget — conditional accuracy (digits) or the share of samples at the mode asked for
(Gaussian mixtures), FD and FD per class, and the cost per step of the labels. Runs go two at a time, one CPU thread
each, through `fastai_wgangp.job.train` (the harness of bench/toolkit.py).

    python bench/conditional.py --data digits --epochs 200            # the digits 200-epoch setting
    python bench/conditional.py --data digits --budget 150            # the default run's 150 s budget
    python bench/conditional.py --data gaussians25 --budget 240
    python bench/conditional.py --data digits --epochs 1 --seeds 0 --no-record   # smoke test
"""
import argparse, json, statistics, tempfile
from results import record
from concurrent.futures import ProcessPoolExecutor

CONFIGS = {'default': {}, 'conditional': dict(conditional=True)}   # on top of the main job's defaults
KEYS = dict(digits=('fd', 'classes_present', 'cond_accuracy', 'cond_accuracy_real_floor', 'class_fd_mean', 'class_fd_real_floor_mean'),
            toy=('modes', 'hq', 'cond_hq'))

def one(data, config, seed, epochs, budget, loss):
    import torch
    torch.set_num_threads(1)
    from fastai_wgangp.job import train
    m = train(data, loss, epochs=epochs, budget=budget, out=tempfile.mkdtemp(), seed=seed, quiet=True, **CONFIGS[config])
    keys = KEYS['digits' if data=='digits' else 'toy']
    steps = m['steps']['generator'] + m['steps']['critic']
    return {k: m[k] for k in keys if k in m} | dict(gen_steps=m['steps']['generator'], ms_per_step=1e3*m['train_seconds']/steps)

def mean_sd(vals, fmt): return f"{fmt(statistics.mean(vals))} ± {fmt(statistics.pstdev(vals))}"

def main():
    p = argparse.ArgumentParser()
    p.add_argument('--data', default='digits'); p.add_argument('--epochs', type=int); p.add_argument('--budget', type=float)
    p.add_argument('--loss', default='wgan-gp'); p.add_argument('--configs', default='default,conditional')
    p.add_argument('--seeds', default='0,1,2'); p.add_argument('--jobs', type=int, default=2); p.add_argument('--no-record', action='store_true')
    a = p.parse_args()
    if (a.epochs is None)==(a.budget is None): p.error("give exactly one of --epochs and --budget")
    seeds,configs = [int(s) for s in a.seeds.split(',')],a.configs.split(',')
    jobs = [(a.data, c, s, a.epochs, a.budget, a.loss) for s in seeds for c in configs]
    with ProcessPoolExecutor(a.jobs) as ex: res = list(ex.map(one, *zip(*jobs)))
    digits,rows = a.data=='digits',[]
    pct = lambda v: f"{100*v:.1f}%"
    for c in configs:
        rs = [r for (_,cc,*_),r in zip(jobs, res) if cc==c]
        print(json.dumps(dict(config=c, runs=rs)), flush=True)
        cond = 'cond_accuracy' in rs[0] or 'cond_hq' in rs[0]
        if digits:
            rows.append([c, mean_sd([r['fd'] for r in rs], lambda v: f"{v:.2f}"), ', '.join(f"{r['fd']:.2f}" for r in rs),
                         mean_sd([r['cond_accuracy'] for r in rs], pct) + f" (real {pct(rs[0]['cond_accuracy_real_floor'])})" if cond else '–',
                         ', '.join(pct(r['cond_accuracy']) for r in rs) if cond else '–',
                         f"{statistics.mean(r['class_fd_mean'] for r in rs):.2f} (real {rs[0]['class_fd_real_floor_mean']:.2f})" if cond else '–',
                         ', '.join(str(r['classes_present']) for r in rs)])
        else:
            rows.append([c, mean_sd([r['hq'] for r in rs], pct), ', '.join(f"{r['modes']}/{pct(r['hq'])}" for r in rs),
                         mean_sd([r['cond_hq'] for r in rs], pct) if cond else '–', ', '.join(pct(r['cond_hq']) for r in rs) if cond else '–'])
        rows[-1] += [f"{statistics.mean(r['gen_steps'] for r in rs):.0f}", f"{statistics.mean(r['ms_per_step'] for r in rs):.2f}"]
    if a.no_record: return
    what = f"{a.epochs} epochs" if a.epochs else f"{a.budget:g} s of wall time"
    header = (['config', 'FD (mean ± sd)', 'FD per seed', 'conditional accuracy (mean ± sd)', 'per seed', 'FD per class, mean over classes and seeds', 'classes']
              if digits else ['config', 'high quality, nearest mode (mean ± sd)', 'per seed (modes/HQ)', 'at the mode asked for (mean ± sd)', 'per seed'])
    record(f"Conditional GANs: {a.data}, {what}", f"--loss {a.loss}, {what} per run, one thread per run, two runs at a time, seeds {a.seeds}, "
           "2,500 samples of the generator's average (the job's default --ema for digits), asking for every class in turn; "
           "ms per step = training seconds / optimizer steps (critic and generator)",
           header + ['generator steps', 'ms per step'], rows)

if __name__=='__main__': main()
