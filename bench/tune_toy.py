"""Tuning the toy-set defaults: one WGAN-GP run per configuration at a fixed wall-time budget, mode coverage of 2,500
samples. Used to choose the toy recipe of `fastai_wgangp.settings` (`RECIPES`); the runs tried are listed in RESULTS.md.

    python bench/tune_toy.py --data gaussians8 --budget 60 --width 256 --lr 1e-3 --weight 0.1
"""
import argparse, json, time
import torch
from fastai.vision.all import *
from fastai_wgangp.all import *
from fastai_wgangp.job import TimeBudget, StepCounter

def run(data='gaussians8', budget=60., width=512, n_hidden=3, lr=1e-4, weight=.1, beta1=.5, beta2=.9, n_crit=5, bs=256,
        seed=0, threads=2, lr_end=None):
    torch.set_num_threads(threads)
    dls = gan_dls(toy_data(data, 100_000, seed=seed), noise_size=2, bs=bs, seed=seed)
    set_seed(seed)
    G,D = toy_generator(2, 2, width=width, n_hidden=n_hidden), toy_critic(2, width=width, n_hidden=n_hidden)
    learn = GANLearner.wgan_gp(dls, G, D, weight=weight, n_crit=n_crit, lr=lr,
                               opt_func=partial(Adam, mom=beta1, sqr_mom=beta2, eps=1e-8, wd=0.))
    cbs = [TimeBudget(budget), StepCounter()]
    if lr_end is not None:   # linear decay over the budget, by wall time
        class Decay(Callback):
            order = 1
            def before_fit(self): self.t0 = time.perf_counter()
            def before_batch(self):
                f = min(1., (time.perf_counter()-self.t0)/budget)
                self.opt.set_hyper('lr', lr + f*(lr_end-lr))
        cbs.append(Decay())
    with learn.no_bar(), learn.no_logging(): learn.fit(10_000, cbs=cbs)
    res = toy_mode_coverage(generate(learn, 2500, seed), data)
    return dict(res, gen_steps=cbs[1].steps['generator'])

if __name__=='__main__':
    p = argparse.ArgumentParser()
    for k,v in dict(data='gaussians8', budget=60., width=512, n_hidden=3, lr=1e-4, weight=.1, beta1=.5, beta2=.9, n_crit=5, bs=256, seed=0, threads=2, lr_end=-1.).items():
        p.add_argument(f'--{k}', type=type(v), default=v)
    a = vars(p.parse_args())
    if a['lr_end']<0: a['lr_end'] = None
    r = run(**a)
    print(json.dumps(dict(**a, **r)))
