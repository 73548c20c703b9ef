"""Kill test: a `fastai-wgangp` run killed with SIGKILL at random moments and restarted with `--resume` each time ends
with weights and samples identical, bit for bit, to an uninterrupted run with the same options and seed.

    python bench/kill.py                                   # 10 kills on a 6-epoch digits run, appends to bench/RESULTS.md
    python bench/kill.py --kills 2 --epochs 2 --no-record  # smoke test
"""
import argparse, json, random, subprocess, sys, tempfile, time
from pathlib import Path
from results import record

def start(out, epochs, resume):
    # the command installed next to this interpreter, not whichever `fastai-wgangp` is first on PATH
    args = [str(Path(sys.executable).parent/'fastai-wgangp'), '--data', 'digits', '--epochs', str(epochs), '--out', str(out), '--seed', '1', '--quiet'] + ['--resume']*resume
    return subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

def where(out):
    "How far the killed run's checkpoint had got."
    ck = Path(out)/'models'/'checkpoint.pth'
    if not ck.exists(): return 'no checkpoint yet'
    from fastai_wgangp.checkpoint import checkpoint_meta
    m = checkpoint_meta(ck)
    return f"checkpoint at epoch {m['epoch']}" + (f", batch {m['batches']}" if m['batches'] else '')

def same_files(a, b):
    "Weights (every tensor) and samples of two runs, compared bit for bit."
    import numpy as np, torch
    wa,wb = (torch.load(Path(d)/'weights.pth', weights_only=True) for d in (a, b))
    same_w = all(torch.equal(x, y) for k in ('generator', 'critic') for x,y in zip(wa[k].values(), wb[k].values()))
    return same_w and np.array_equal(np.load(Path(a)/'samples.npy'), np.load(Path(b)/'samples.npy'))

def main():
    p = argparse.ArgumentParser()
    p.add_argument('--kills', type=int, default=10); p.add_argument('--epochs', type=int, default=6)
    p.add_argument('--seed', type=int, default=0); p.add_argument('--no-record', action='store_true')
    a = p.parse_args()
    rng,tmp = random.Random(a.seed),Path(tempfile.mkdtemp())
    t = time.perf_counter(); ref = start(tmp/'ref', a.epochs, False); ref.communicate(); full = time.perf_counter()-t
    assert ref.returncode==0, ref.returncode
    kills,attempts,stages = 0,0,[]
    while True:
        attempts += 1
        proc = start(tmp/'killed', a.epochs, True)
        if kills < a.kills:
            delay = rng.uniform(0, full)
            try: proc.wait(timeout=delay)
            except subprocess.TimeoutExpired:
                proc.kill(); proc.wait(); kills += 1
                stages.append(f"{delay:.2f} s ({where(tmp/'killed')})")
                continue
        out,err = proc.communicate()
        if proc.returncode==0 and kills>=a.kills: break
        assert proc.returncode==0, err
    same = same_files(tmp/'ref', tmp/'killed')
    res = dict(kills=kills, attempts=attempts, uninterrupted_s=round(full, 1), kill_times_s=stages, identical=same)
    print(json.dumps(res))
    if not same: sys.exit('the resumed run differs from the uninterrupted one')
    if a.no_record: return
    record('Kill test: SIGKILL at random moments, then --resume',
           f"`fastai-wgangp --data digits --epochs {a.epochs} --seed 1 --quiet`, killed with SIGKILL after a delay drawn uniformly from 0 to "
           f"the uninterrupted run's duration ({full:.1f} s, start-up included), restarted with `--resume` each time, {a.kills} kills",
           ['kills survived', 'runs started', 'kill times after start (where the checkpoint was)', 'weights and samples equal to the uninterrupted run'],
           [[kills, attempts, '; '.join(stages), 'yes, bit for bit' if same else 'no']],
           ['Runs that were not killed ran to the end; once the training was complete, later runs only rewrote the outputs.'])

if __name__=='__main__': main()
