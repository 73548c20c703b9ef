"""Leaks: resident memory over thousands of training steps of each of the package's learners, against fastai's stock
`GANLearner` and a plain PyTorch WGAN-GP loop (same networks, data and steps). Growth is measured from the end of a
warm-up (a tenth of the run) to the end; each learner runs in a fresh process.

    python bench/leaks.py                            # 4,000 batches each, appends to bench/RESULTS.md
    python bench/leaks.py --batches 60 --no-record   # smoke test
"""
import argparse, gc, json, os, subprocess, sys
from pathlib import Path
from results import record

KINDS = {'wgan_gp': 'GANLearner.wgan_gp', 'hinge_r1': 'GANLearner.from_losses (hinge + R1)',
         'callback': 'GradientPenalty on a stock GANLearner.wgan(clip=None)', 'stock': 'fastai GANLearner.wgan (clip=None), no penalty',
         'plain': 'plain PyTorch WGAN-GP loop (bench/plain.py)'}

def rss_mib():
    "Current resident memory of this process, MiB."
    with open('/proc/self/statm') as f: return int(f.read().split()[1])*os.sysconf('SC_PAGE_SIZE')/2**20

def run(kind, batches, every):
    import torch
    from fastai.vision.all import set_seed, partial, Adam, Callback
    from fastai_wgangp.all import GANLearner, GradientPenalty, Penalty, r1_penalty, hinge_losses, gan_dls, gaussians8, toy_generator, toy_critic
    torch.set_num_threads(1)
    set_seed(0)
    dls = gan_dls(gaussians8(128*batches, seed=0), noise_size=2, bs=128, seed=0)
    G,D = toy_generator(2, 2, width=128), toy_critic(2, width=128)
    trace = []
    def probe(i):
        if i%every==0: gc.collect(); trace.append((i, rss_mib()))
    if kind=='plain':
        sys.path.insert(0, str(Path(__file__).parent))
        from plain import plain_wgan
        plain_wgan(dls.train, G, D, on_step=probe)
    else:
        adam = partial(Adam, mom=0., sqr_mom=.9)
        if kind=='wgan_gp': learn = GANLearner.wgan_gp(dls, G, D)
        elif kind=='hinge_r1': learn = GANLearner.from_losses(dls, G, D, losses=hinge_losses(), penalties=Penalty(r1_penalty, 1.))
        else: learn = GANLearner.wgan(dls, G, D, clip=None, opt_func=adam)
        class Memory(Callback):
            order = 99
            def after_batch(self):
                if self.training: probe(self.train_iter)
        cbs = [Memory()] + ([GradientPenalty()] if kind=='callback' else [])
        with learn.no_bar(), learn.no_logging(): learn.fit(1, 1e-4, cbs=cbs)
    warm = batches//10
    base = [m for i,m in trace if i>=warm][0]
    return dict(kind=kind, batches=batches, start_mib=round(base, 1), end_mib=round(trace[-1][1], 1), growth_mib=round(trace[-1][1]-base, 1))

def main():
    p = argparse.ArgumentParser()
    p.add_argument('--batches', type=int, default=4000); p.add_argument('--no-record', action='store_true')
    p.add_argument('--only', default=None); p.add_argument('--kinds', default=','.join(KINDS))
    a = p.parse_args()
    every = max(1, a.batches//40)
    if a.only: print(json.dumps(run(a.only, a.batches, every))); return
    # each learner in a fresh process: a second run in the same one would reuse the first one's freed heap
    one = lambda k: json.loads(subprocess.run([sys.executable, __file__, '--only', k, '--batches', str(a.batches)],
                                              capture_output=True, text=True, check=True).stdout.strip().splitlines()[-1])
    rows = [one(k) for k in a.kinds.split(',')]
    for r in rows: print(json.dumps(r))
    if a.no_record: return
    record('Leaks: memory over training',
           f"one epoch of {a.batches:,} batches (toy MLPs of width 128, bs 128, 1 thread), each learner in a fresh process, resident memory "
           f"after `gc.collect()`, growth from batch {a.batches//10:,} to the end",
           ['learner', 'RSS at warm-up end (MiB)', 'RSS at end (MiB)', 'growth (MiB)'],
           [[KINDS[r['kind']], r['start_mib'], r['end_mib'], r['growth_mib']] for r in rows])

if __name__=='__main__': main()
