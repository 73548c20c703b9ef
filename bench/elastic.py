"""Elastic restarts: the main job on two processes under `torchrun --max-restarts`, with `--resume`, one worker killed
with SIGKILL at random moments; torchrun restarts the group, which continues from the latest checkpoint. The run must end
with weights and samples identical, bit for bit, to an uninterrupted two-process run with the same options.

torchrun runs with `TORCH_DISABLE_SHARE_RDZV_TCP_STORE=1`, as the README says to; `--shared-store` runs it with PyTorch's
default instead, where a restarted group can read the previous group's addresses from the store it shares with it and
fail to connect (counted as 'failed connects'), using up a restart.

    python bench/elastic.py --repeats 3                      # 3 runs of 5 kills on a 20-epoch digits run, appends to bench/RESULTS.md
    python bench/elastic.py --kills 2 --epochs 4 --no-record # smoke test
"""
import argparse, json, os, random, signal, subprocess, sys, tempfile, threading, time
from pathlib import Path
import numpy as np
from fastai_wgangp.checkpoint import checkpoint_meta   # imported before any run: it takes seconds

def command(out, epochs, restarts):
    "The main job on two CPU processes, launched by torchrun as a cluster scheduler would, resuming whatever is in `out`."
    exe = str(Path(sys.executable).parent/'fastai-wgangp')   # the command next to this interpreter
    return [sys.executable, '-m', 'torch.distributed.run', '--standalone', '--nproc_per_node=2', f'--max-restarts={restarts}', '--no-python',
            exe, '--data', 'digits', '--epochs', str(epochs), '--seed', '1', '--out', str(out), '--quiet', '--resume']

def workers(out):
    "PIDs of the running workers of the run writing to `out`."
    res = []
    for p in Path('/proc').iterdir():
        if not p.name.isdigit(): continue
        try: args = (p/'cmdline').read_bytes().split(b'\0')
        except OSError: continue
        if any(a.endswith(b'fastai-wgangp') for a in args) and str(out).encode() in args and b'torch.distributed.run' not in args: res.append(int(p.name))
    return res

_READ = {}   # checkpoint file: (its modification stamp, what `reached` read from it)

def reached(out):
    "The epoch the run's checkpoint had reached (0 before the first checkpoint) and where it was, in words; read again only when it changed."
    ck = Path(out)/'models'/'checkpoint.pth'
    try: stamp = (ck.stat().st_mtime_ns, ck.stat().st_size)
    except FileNotFoundError: return 0, 'no checkpoint yet'
    if _READ.get(ck, (None,))[0]!=stamp:
        try: m = checkpoint_meta(ck)
        except Exception: return 0, 'checkpoint being replaced'
        _READ[ck] = stamp,(m['epoch'], f"epoch {m['epoch']}, batch {m['batches']}")
    return _READ[ck][1]

def run(out, epochs, kills, seed, first=0., epoch_s=0., shared=False, timeout=900):
    """The run under torchrun, with `kills` workers killed at random moments: each in an epoch drawn at random (distinct
    ones while there are enough), once the checkpoint has reached it and the (re)started group is up, after a delay drawn
    uniformly from 0 to `epoch_s` (an epoch's training), or to `first` for epoch 0 (the start-up and the first epoch).
    Return the kills (where each left the checkpoint), torchrun's exit status, the run's seconds, and from the first group
    up, the seconds to the first checkpoint and to the end."""
    env = {**os.environ, 'OMP_NUM_THREADS': '1', 'PYTHONWARNINGS': 'ignore', 'TORCH_DISABLE_SHARE_RDZV_TCP_STORE': '0' if shared else '1'}
    rng,log = random.Random(seed),[]
    targets = sorted(rng.sample(range(epochs-1), kills)) if kills<epochs else sorted(rng.choices(range(epochs-1), k=kills))
    t0 = time.perf_counter()
    p = subprocess.Popen(command(out, epochs, kills+1), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    done,times = threading.Event(),{}   # the run ended, or was stopped for hanging
    def ended(): return done.is_set() or p.poll() is not None
    ckpt = Path(out)/'models'/'checkpoint.pth'
    def watch():
        while not ended() and len(workers(out))<2: time.sleep(.02)
        times['up'] = time.perf_counter()
        while not ended() and not ckpt.exists(): time.sleep(.02)
        times['checkpoint'] = time.perf_counter()
    def group(old):
        "The workers of the running group, if it is up: two, none of them from a group killed before."
        pids = [w for w in workers(out) if w not in old]
        return pids if len(pids)==2 else None
    def killer():
        old = set()   # the workers of the groups already killed (a survivor may linger while torchrun stops it)
        for target in targets:
            while not ended() and reached(out)[0]<target: time.sleep(.1)   # the checkpoint has reached the drawn epoch
            while not ended():
                while not ended() and group(old) is None: time.sleep(.05)  # the (re)started group is up
                time.sleep(rng.uniform(0., first if target==0 else epoch_s))
                pids = group(old)
                if ended() or pids is None: continue                        # restarting meanwhile: wait and draw again
                victim,at = rng.choice(pids),reached(out)[1]
                try: os.kill(victim, signal.SIGKILL)
                except ProcessLookupError: continue                         # it ended meanwhile
                log.append(dict(at=at, t=round(time.time(), 2), pid=victim))
                old.update(pids)
                break
    threads = [threading.Thread(target=f) for f in (watch, killer)]
    for t in threads: t.start()
    hung = False
    try: stdout,stderr = p.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:   # a group that never finishes: stop it, and say so
        hung = True; done.set()
        for pid in [*workers(out), p.pid]:
            try: os.kill(pid, signal.SIGKILL)
            except ProcessLookupError: pass
        stdout,stderr = p.communicate()
    finally:
        done.set()
        for t in threads: t.join()
    end = time.perf_counter()
    Path(f'{out}.log').write_text(stderr)   # the launcher's whole log, next to the run's folder
    return dict(rc=p.returncode, hung=hung, kills=log, stderr=stderr[-3000:] if p.returncode else '', failed_rounds=stderr.count('] failed (exitcode'),
                failed_connects=stderr.count('Gloo connectFullMesh failed'), held_sigterm=stderr.count('Unable to shutdown process'),
                seconds=end-t0, to_checkpoint=times['checkpoint']-times['up'], to_end=end-times['up'])

def identical(a, b):
    "Whether the runs in folders `a` and `b` ended with the same weights and samples, bit for bit."
    import torch
    wa,wb = (torch.load(Path(o)/'weights.pth', weights_only=True) for o in (a, b))
    same_w = wa.keys()==wb.keys() and all(all(torch.equal(x, y) for x,y in zip(wa[k].values(), wb[k].values())) for k in wa)
    return bool(same_w and np.array_equal(np.load(Path(a)/'samples.npy'), np.load(Path(b)/'samples.npy')))

def main():
    p = argparse.ArgumentParser()
    p.add_argument('--kills', type=int, default=5); p.add_argument('--epochs', type=int, default=20)
    p.add_argument('--seed', type=int, default=0); p.add_argument('--no-record', action='store_true')
    p.add_argument('--repeats', type=int, default=1, help='killed runs, each with other kill moments')
    p.add_argument('--timeout', type=float, default=600, help='seconds before a killed run counts as hung and is stopped')
    p.add_argument('--shared-store', action='store_true', help="torchrun's default store, shared with the workers across restarts")
    a = p.parse_args()
    assert a.epochs>=2, '--epochs must be at least 2'
    tmp = Path(tempfile.mkdtemp())
    full = run(tmp/'full', a.epochs, 0, a.seed, shared=a.shared_store); t_full = full['seconds']
    assert full['rc']==0, full['stderr']
    epoch_s = (full['to_end']-full['to_checkpoint'])/(a.epochs-1)   # an epoch's training, after the start-up and the first epoch
    first = full['to_checkpoint']
    rows, failed = [], None
    for seed in range(a.seed, a.seed+a.repeats):   # each repeat: other kill moments
        t0 = time.perf_counter(); res = run(tmp/f'killed{seed}', a.epochs, a.kills, seed, first, epoch_s, a.shared_store, timeout=a.timeout); t_killed = time.perf_counter()-t0
        same = res['rc']==0 and identical(tmp/'full', tmp/f'killed{seed}')
        summary = dict(seed=seed, kills=len(res['kills']), where=[k['at'] for k in res['kills']], rc=res['rc'], hung=res['hung'], identical=same,
                       **{k: res[k] for k in ('failed_rounds', 'failed_connects', 'held_sigterm')},
                       seconds_uninterrupted=round(t_full, 1), seconds_killed=round(t_killed, 1))
        if res['rc']: print(res['stderr'], file=sys.stderr)
        print(json.dumps(summary), flush=True)
        rows.append([seed, summary['kills'], '; '.join(summary['where']), *(summary[k] for k in ('failed_rounds', 'failed_connects', 'held_sigterm', 'rc', 'hung',
                     'identical', 'seconds_uninterrupted', 'seconds_killed'))])
        if res['hung'] and not a.shared_store: failed = f'a run hung: stopped after {a.timeout:.0f} s'
        elif len(res['kills'])<a.kills and not res['hung']: failed = f"only {len(res['kills'])} of {a.kills} kills landed before the run ended: use more --epochs"
        elif not (same or a.shared_store): failed = 'the restarted run differs from the uninterrupted one'   # with the shared store: a measurement of how it fails
    if failed: sys.exit(failed)
    if a.no_record: return
    sys.path.insert(0, str(Path(__file__).parent))
    from results import record
    store = "torchrun's default store, shared with the workers" if a.shared_store else '`TORCH_DISABLE_SHARE_RDZV_TCP_STORE=1`'
    record('Elastic restarts after lost workers', f"`fastai-wgangp --data digits --epochs {a.epochs} --seed 1 --resume` on 2 CPU processes under "
           f"`torchrun --standalone --max-restarts {a.kills+1}` ({store}), one worker killed with SIGKILL {a.kills} times at random moments (in {a.kills} distinct "
           f"epochs drawn at random: once the checkpoint has reached the epoch and the group is up, after a delay drawn uniformly from 0 to the "
           f"uninterrupted run's epoch, {epoch_s:.1f} s, or for epoch 0 its start-up and first epoch, {first:.1f} s), against the same run "
           "uninterrupted; 'failed rounds' counts the groups torchrun restarted, 'failed connects' the groups that failed to connect, 'holding "
           f"SIGTERM' the processes torchrun had to SIGKILL 30 s after its SIGTERM, 'hung' a run stopped after {a.timeout:.0f} s",
           ['kill seed', 'kills', 'where the checkpoint was at each kill', 'failed rounds', 'failed connects', 'holding SIGTERM', 'exit status', 'hung (stopped)',
            'identical to uninterrupted', 'seconds (uninterrupted)', 'seconds (with kills)'], rows)

if __name__=='__main__': main()
