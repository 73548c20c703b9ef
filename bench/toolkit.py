"""Training toolkit: the main job's quality with and without each tool (generator EMA, differentiable augmentation, lazy
regularisation) and combinations, over several seeds, at a fixed number of epochs or a wall-time budget; and what each
tool costs per training step. Runs go two at a time, one CPU thread each, through `fastai_wgangp.job.train` (the
harness of bench/digits.py and bench/quality.py).

    python bench/toolkit.py --data digits --epochs 200                      # fixed epochs, three seeds
    python bench/toolkit.py --data digits --budget 150                      # the default run's 150 s budget
    python bench/toolkit.py --data gaussians25 --budget 300 --configs base,ema
    python bench/toolkit.py --cost                                          # time per step of EMA and metrics
    python bench/toolkit.py --data digits --epochs 1 --seeds 0 --configs base,augment --no-record   # smoke test
"""
import argparse, json, statistics, tempfile, time
from results import record
from concurrent.futures import ProcessPoolExecutor

# each configuration: the main job's options (`train` keywords) on top of its defaults
CONFIGS = {
    'base': {},
    'no-ema': dict(ema=0.),
    'ema': dict(ema=10_000.),
    'ema-2k': dict(ema=2_000.),
    'augment': dict(augment='color,translation,cutout'),
    'translation': dict(augment='translation'),
    'trans-cutout': dict(augment='translation,cutout'),
    'color-trans': dict(augment='color,translation'),
    'lazy4': dict(lazy=4),
    'augment+ema': dict(augment='color,translation,cutout', ema=10_000.),
    'translation+ema': dict(augment='translation', ema=10_000.),
    'lazy4+ema': dict(lazy=4, ema=10_000.),
    'refine': dict(refine=50),
    'ema+refine': dict(ema=10_000., refine=50),
}

def one(data, config, seed, epochs, budget):
    import torch
    torch.set_num_threads(1)
    from fastai_wgangp.job import train
    m = train(data, epochs=epochs, budget=budget, out=tempfile.mkdtemp(), seed=seed, quiet=True, **CONFIGS[config])
    keys = ('fd', 'classes_present') if data=='digits' else ('modes', 'hq')
    res = {k: m[k] for k in keys} | dict(gen_steps=m['steps']['generator'], seconds=m['train_seconds'], epochs=m['epochs'])
    if 'raw' in m: res['raw'] = {k: m['raw'][k] for k in keys}
    if 'unrefined' in m: res['unrefined'] = {k: m['unrefined'][k] for k in keys}
    return res

def quality_rows(a):
    seeds,configs = [int(s) for s in a.seeds.split(',')],a.configs.split(',')
    jobs = [(a.data, c, s, a.epochs, a.budget) for s in seeds for c in configs]
    with ProcessPoolExecutor(a.jobs) as ex: res = list(ex.map(one, *zip(*jobs)))
    key = 'fd' if a.data=='digits' else 'hq'
    fmt = (lambda v: f"{v:.2f}") if a.data=='digits' else (lambda v: f"{100*v:.1f}%")
    rows = []
    for c in configs:
        rs = [r for (_,cc,_,_,_),r in zip(jobs, res) if cc==c]
        vals = [r[key] for r in rs]
        row = [c, ' '.join(f'--{k.replace("_", "-")} {v:g}' if isinstance(v, float) else f'--{k} {v}' for k,v in CONFIGS[c].items()) or '(defaults)',
               f"{fmt(statistics.mean(vals))} ± {fmt(statistics.pstdev(vals))}", ', '.join(fmt(v) for v in vals)]
        row.append(', '.join(fmt(r['raw'][key]) for r in rs) if 'raw' in rs[0] else '–')
        row.append(', '.join(f"{fmt(r['unrefined'][key])} ({r['unrefined']['classes_present' if a.data=='digits' else 'modes']})" for r in rs)
                   if 'unrefined' in rs[0] else '–')
        row.append(', '.join(str(r['classes_present' if a.data=='digits' else 'modes']) for r in rs))
        row.append(f"{statistics.mean(r['gen_steps'] for r in rs):.0f}")
        rows.append(row); print(json.dumps(dict(config=c, runs=rs)), flush=True)
    return rows

def cost(a):
    "Seconds per training step of the digits run with each tool, and of one EMA update and one metric measurement on their own."
    import torch
    torch.set_num_threads(1)
    from fastai_wgangp.recipes import make_learner, make_data
    from fastai_wgangp.gan_metrics import quality_metric
    from fastai_wgangp.ema import GeneratorEMA
    from fastai_wgangp.augment import DiffAugment
    def fit_time(cbs=(), learner_cbs=(), epochs=a.cost_epochs, lazy=1):
        learn = make_learner('digits', dls=make_data('digits', 0), seed=0, lazy=lazy)
        for cb in learner_cbs: learn.add_cb(cb)
        with learn.no_bar(), learn.no_logging():
            learn.fit(1, cbs=list(cbs))   # warm-up
            t = time.perf_counter(); learn.fit(epochs, cbs=list(cbs)); dt = time.perf_counter()-t
        return dt/(epochs*len(learn.dls.train)), learn
    rows = []
    for _ in range(a.repeats):
        base,learn = fit_time()
        ema = GeneratorEMA(10_000., ramp=.05); with_ema,_ = fit_time(learner_cbs=[ema])
        aug,_ = fit_time(cbs=[DiffAugment('color,translation,cutout')])
        lazy,_ = fit_time(lazy=4)
        # one EMA update, and one measurement of the main job's digits metric, on their own
        gen = learn.model.generator
        t = time.perf_counter()
        for _ in range(200): ema.update(gen, 64)
        upd = (time.perf_counter()-t)/200
        met = quality_metric('digits', every=1); met.learn = learn; met.before_fit(); met.epoch,met.n_epoch = 0,1
        met.after_train()   # the first measurement also trains the cached classifier
        t = time.perf_counter()
        for _ in range(5): met.after_train()
        meas = (time.perf_counter()-t)/5
        rows.append((base, with_ema, aug, upd, meas, lazy))
    med = [statistics.median(r[i] for r in rows) for i in range(6)]
    steps_per_epoch = len(learn.dls.train)
    gen_share = 1/(learn.cbs.filter(lambda c: hasattr(c, "n_crit"))[0].n_crit+1)   # the share of batches that are generator steps
    return [['training step (batch), defaults', f"{1e3*med[0]:.2f} ms", '–'],
            ['with GeneratorEMA (fit)', f"{1e3*med[1]:.2f} ms", f"{100*(med[1]/med[0]-1):+.1f} % (timing noise ±5 %)"],
            ['one EMA update (once per generator step)', f"{1e3*med[3]:.3f} ms",
             f"{100*med[3]/(med[0]/gen_share):.2f} % of a generator update ({round(1/gen_share)} batches: critic steps and the generator step)"],
            ['with DiffAugment color,translation,cutout (fit)', f"{1e3*med[2]:.2f} ms", f"{100*(med[2]/med[0]-1):+.1f} %"],
            ['with --lazy 4 (GP on one critic step in 4; fit)', f"{1e3*med[5]:.2f} ms", f"{100*(med[5]/med[0]-1):+.1f} %"],
            ['one quality measurement (1,000 samples: FD + KID)', f"{1e3*med[4]:.1f} ms",
             f"{100*med[4]/(med[0]*steps_per_epoch):.1f} % of an epoch ({steps_per_epoch} batches); "
             f"{100*med[4]/(med[0]*steps_per_epoch*10):.2f} % with --metric-every 10"]]

def main():
    p = argparse.ArgumentParser()
    p.add_argument('--data', default='digits'); p.add_argument('--epochs', type=int); p.add_argument('--budget', type=float)
    p.add_argument('--seeds', default='0,1,2'); p.add_argument('--jobs', type=int, default=2)
    p.add_argument('--configs', default='base,ema,augment,translation,lazy4,augment+ema')
    p.add_argument('--cost', action='store_true'); p.add_argument('--cost-epochs', type=int, default=5); p.add_argument('--repeats', type=int, default=3)
    p.add_argument('--no-record', action='store_true')
    a = p.parse_args()
    if a.cost:
        rows = cost(a)
        for r in rows: print(r)
        if not a.no_record:
            record('Training toolkit: cost per step', f"digits, the main job's recipe, {a.cost_epochs} epochs per fit after a one-epoch warm-up, "
                   f"one thread, median of {a.repeats}", ['what', 'time', 'share'], rows)
        return
    if (a.epochs is None)==(a.budget is None): p.error("give exactly one of --epochs and --budget")
    rows = quality_rows(a)
    if a.no_record: return
    what = f"{a.epochs} epochs" if a.epochs else f"{a.budget:g} s of wall time"
    figure = 'FD (digits classifier features; lower is better)' if a.data=='digits' else 'high-quality % (higher is better)'
    record(f'Training toolkit: {a.data}, {what}', f"{what} per run, one thread per run, two runs at a time, seeds {a.seeds}, 2,500 samples; "
           "the figure is the sampled generator's (the average, with --ema), after refinement with --refine; 'raw' is the trained generator's own; "
           "'unrefined' the samples before refinement (with their modes or classes)",
           ['config', 'options', f'{figure}, mean ± sd', 'per seed', 'raw generator, per seed', 'unrefined, per seed', 'classes' if a.data=='digits' else 'modes', 'generator steps'],
           rows)

if __name__=='__main__': main()
