"""Leaks: resident memory over thousands of training steps of `GANLearner.wgan_gp` vs fastai's stock `GANLearner`
(same networks, data and steps). Growth is measured from the end of a warm-up to the end of the run.

    python bench/leaks.py                        # full run (3,000 batches each), appends to bench/RESULTS.md
    python bench/leaks.py --batches 60 --no-record   # smoke test
"""
import argparse, gc, json, os, subprocess, sys
from results import record
from pathlib import Path
import torch
from fastai.vision.all import *
from fastai_wgangp.all import *

def rss_mib():
    "Current resident memory of this process, MiB."
    with open('/proc/self/statm') as f: return int(f.read().split()[1])*os.sysconf('SC_PAGE_SIZE')/2**20

class Memory(Callback):
    order = 99
    def __init__(self, every): self.every,self.trace = every,[]
    def after_batch(self):
        if self.training and self.train_iter%self.every==0: gc.collect(); self.trace.append((self.train_iter, rss_mib()))

def run(kind, batches, warmup):
    set_seed(0)
    dls = gan_dls(gaussians8(256*batches, seed=0), noise_size=2, bs=256, seed=0)
    G,D = toy_generator(2, 2, width=128), toy_critic(2, width=128)
    if kind=='ours': learn = GANLearner.wgan_gp(dls, G, D)
    else: learn = GANLearner.wgan(dls, G, D, clip=None, opt_func=partial(Adam, mom=0., sqr_mom=.9))
    mem = Memory(max(1, batches//30))
    with learn.no_bar(), learn.no_logging(): learn.fit(1, cbs=mem)
    base = [m for i,m in mem.trace if i>=warmup][0]
    return dict(kind=kind, batches=batches, start_mib=round(base, 1), end_mib=round(mem.trace[-1][1], 1), growth_mib=round(mem.trace[-1][1]-base, 1))

def main():
    p = argparse.ArgumentParser()
    p.add_argument('--batches', type=int, default=3000); p.add_argument('--no-record', action='store_true')
    p.add_argument('--only', default=None)
    a = p.parse_args()
    torch.set_num_threads(2)
    warmup = a.batches//10
    if a.only: print(json.dumps(run(a.only, a.batches, warmup))); return
    # each learner in a fresh process: a second run in the same one would reuse the first one's freed heap
    one = lambda k: json.loads(subprocess.run([sys.executable, __file__, '--only', k, '--batches', str(a.batches)],
                                              capture_output=True, text=True, check=True).stdout.strip().splitlines()[-1])
    rows = [one(k) for k in ('stock', 'ours')]
    for r in rows: print(json.dumps(r))
    if a.no_record: return
    record('Leaks: memory over training',
           f"one epoch of {a.batches} batches (toy MLPs, bs 256), each learner in its own process, resident memory after `gc.collect()`, growth from batch {warmup} to the end",
           ['learner', 'RSS at warm-up end (MiB)', 'RSS at end (MiB)', 'growth (MiB)'],
           [['GANLearner.wgan_gp' if r['kind']=='ours' else 'fastai GANLearner.wgan (clip=None)', r['start_mib'], r['end_mib'], r['growth_mib']] for r in rows])

if __name__=='__main__': main()
