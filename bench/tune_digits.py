"""Digits recipe search: the main job's WGAN-GP on digits with other learning rates and critic steps per generator step,
at a fixed number of epochs. Each run is a fresh process (one thread), two at a time; the recipe is passed to
`make_learner` on top of the setting's row of `RECIPES`.

    python bench/tune_digits.py --grid '[{"lr": 3e-4, "n_crit": 2}, {"lr": 1e-4, "n_crit": 5}]' --epochs 200 --seeds 0
"""
import argparse, json, tempfile
from concurrent.futures import ProcessPoolExecutor

def one(kw, seed, epochs, ema):
    import torch
    torch.set_num_threads(1)
    import fastai_wgangp.job as job
    make = job.make_learner
    job.make_learner = lambda *a, **k: make(*a, **(k | kw))   # this process runs this one recipe only
    m = job.train('digits', epochs=epochs, out=tempfile.mkdtemp(), seed=seed, quiet=True, ema=ema)
    return dict(recipe=kw, seed=seed, ema=ema, fd=m['fd'], gen_steps=m['steps']['generator'], seconds=m['train_seconds'])

def main():
    p = argparse.ArgumentParser()
    p.add_argument('--grid', required=True, help='a JSON list of make_learner keywords, e.g. lr and n_crit')
    p.add_argument('--epochs', type=int, default=200); p.add_argument('--seeds', default='0'); p.add_argument('--ema', type=float, default=0.)
    a = p.parse_args()
    jobs = [(kw, int(s), a.epochs, a.ema) for s in a.seeds.split(',') for kw in json.loads(a.grid)]
    with ProcessPoolExecutor(2, max_tasks_per_child=1) as ex:
        for r in ex.map(one, *zip(*jobs)): print(json.dumps(r), flush=True)

if __name__=='__main__': main()
