"""Stacked digits, the 1,000-mode benchmark: modes covered and the KL of the mode frequencies from uniform over 26,000
samples (the Stacked MNIST protocol), for wgan-gp, hinge-r1, relativistic average + GP and r3gan — with R3GAN's networks
and with DCGAN's, which separates the loss from the networks — each trained by the main job for the same wall time.
Runs go two at a time, one CPU thread each; the figures come from the main job's metrics.json.

    python bench/stacked.py                                        # full run (about 80 minutes), appends to bench/RESULTS.md
    python bench/stacked.py --budget 2 --seeds 0 --no-record       # smoke test
    python bench/stacked.py --picture nbs/images/stacked_digits.png  # also draw real vs r3gan's samples (seed 0)
"""
import argparse, json, statistics, tempfile
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path
from results import record

METHODS = { # name: (--loss, --nets)
    'wgan-gp': ('wgan-gp', 'dcgan'),
    'hinge-r1': ('hinge-r1', 'dcgan'),
    'relativistic-gp': ('relativistic-gp', 'dcgan'),
    'r3gan/dcgan': ('r3gan', 'dcgan'),   # R3GAN's loss and recipe, DCGAN's networks
    'r3gan': ('r3gan', 'r3gan'),
}
# published figures on Stacked MNIST (28×28 MNIST digits, other networks and budgets: the same protocol, other data)
ANCHORS = [('R3GAN (RpGAN + R1 + R2), final model', '1000', '0.029', 'Huang et al. 2024'),
           ('RpGAN + R1 + R2, loss ablation', '1000', '0.078', 'Huang et al. 2024, loss ablation'),
           ('classic GAN + R1 + R2', '693', '–', 'Huang et al. 2024, loss ablation'),
           ('WGAN-GP', '995', '0.148', 'GDPP (Elfeki et al. 2019)'),
           ('DCGAN', '99', '3.4', 'PacGAN (Lin et al. 2018)')]

def one(name, seed, budget, out):
    import torch
    torch.set_num_threads(1)
    from fastai_wgangp.job import train
    loss,nets = METHODS[name]
    m = train('stacked-digits', loss, budget=budget, out=out, seed=seed, quiet=True, nets=nets)
    return dict(modes=m['modes'], kl=m['kl'], raw=m.get('raw'), floor=(m['modes_real_floor'], m['kl_real_floor']),
                gen_steps=m['steps']['generator'], epochs=m['epochs'])

def picture(run, fname):
    "Real stacked digits beside the run's first samples, eight rows of eight each."
    import numpy as np, torch
    from torchvision.utils import make_grid, save_image
    from fastai_wgangp.data import stacked_digits
    real = stacked_digits(64, seed=1)[0].as_subclass(torch.Tensor)/2 + .5
    fake = torch.from_numpy(np.load(Path(run)/'samples.npy')[:64]).float()/255
    grids = [make_grid(x, nrow=8, padding=1, pad_value=1.) for x in (real, fake)]
    gap = torch.ones(3, grids[0].shape[1], 6)
    img = torch.nn.functional.interpolate(torch.cat([grids[0], gap, grids[1]], 2)[None], scale_factor=3, mode='nearest')[0]
    save_image(img, fname)

def main():
    p = argparse.ArgumentParser()
    p.add_argument('--budget', type=float, default=600.); p.add_argument('--seeds', default='0,1,2')
    p.add_argument('--methods', default='r3gan,r3gan/dcgan,wgan-gp,hinge-r1,relativistic-gp'); p.add_argument('--jobs', type=int, default=2)
    p.add_argument('--picture', default=None); p.add_argument('--no-record', action='store_true')
    a = p.parse_args()
    seeds,methods = [int(s) for s in a.seeds.split(',')],a.methods.split(',')
    root = Path(tempfile.mkdtemp())
    jobs = [(m, s, a.budget, str(root/f"{m.replace('/', '-')}-{s}")) for m in methods for s in seeds]   # in the order of --methods
    with ProcessPoolExecutor(a.jobs) as ex:
        futs = [ex.submit(one, *j) for j in jobs]
        for f in as_completed(futs):   # each run's figures as soon as it ends
            (m,s,*_),r = jobs[futs.index(f)],f.result()
            print(json.dumps(dict(method=m, seed=s, **r)), flush=True)
        res = [f.result() for f in futs]
    floor = res[0]['floor']
    rows = []
    for m in methods:
        rs = [r for (mm,*_),r in zip(jobs, res) if mm==m]
        kls = [r['kl'] for r in rs]
        rows.append(dict(method=m, modes=f"{min(r['modes'] for r in rs)}–{max(r['modes'] for r in rs)}",
                         kl=f"{statistics.mean(kls):.3f} ± {statistics.pstdev(kls):.3f}", runs=', '.join(f"{r['modes']} / {r['kl']:.3f}" for r in rs),
                         raw=', '.join(f"{r['raw']['modes']} / {r['raw']['kl']:.3f}" for r in rs if r['raw']), steps=f"{statistics.mean(r['gen_steps'] for r in rs):,.0f}",
                         mean=statistics.mean(kls), all_modes=all(r['modes']==1000 for r in rs), max_kl=max(kls)))
        print(json.dumps(rows[-1]), flush=True)
    print(f"real stacked digits (26,000): {floor[0]} modes, KL {floor[1]:.3f}")
    if a.picture and 'r3gan' in methods: picture(root/'r3gan-0' if 0 in seeds else jobs[methods.index('r3gan')][3], a.picture)
    by = {r['method']: r for r in rows}
    notes = []
    if 'r3gan' in by:
        r = by['r3gan']
        notes.append(f"r3gan covers 1,000/1,000 modes on every seed: {'yes' if r['all_modes'] else 'no'} ({r['modes']}); its largest KL {r['max_kl']:.3f} "
                     f"against the real data's {floor[1]:.3f} + 0.03 = {floor[1]+.03:.3f}: {'met' if r['max_kl']<=floor[1]+.03 else 'not met'}"
                     + (f"; mean KL {r['mean']:.3f} against wgan-gp's {by['wgan-gp']['mean']:.3f}" if 'wgan-gp' in by else ''))
    if a.no_record: return
    record('Stacked digits: 1,000 modes',
           f"{a.budget:g} s of wall time per run (the main job, `--data stacked-digits`), one thread per run, two runs at a time, seeds "
           f"{a.seeds}; modes covered of 1,000 and KL (nats) of the mode frequencies from uniform over 26,000 samples of the generator's "
           "average, each channel read by the package's digits classifier",
           ['method', 'modes (min–max)', 'KL (mean ± sd)', 'modes / KL per seed', 'without the average, per seed', 'generator steps'],
           [[r[k] for k in ('method', 'modes', 'kl', 'runs', 'raw', 'steps')] for r in rows]
           + [['real stacked digits (floor)', floor[0], f"{floor[1]:.3f}", '–', '–', '–']]
           + [[f"*published: {n}*", mo, kl, src, '–', '–'] for n,mo,kl,src in ANCHORS],
           notes + ["Published figures are on Stacked MNIST (28×28 MNIST digits, GPU budgets, their own classifiers): the same protocol on other data."])

if __name__=='__main__': main()
