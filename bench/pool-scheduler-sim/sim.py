#!/usr/bin/env python3
"""Issue #5's latency goal (p99 at 80% of the ideal load <= 2x a single call), tested against every scheduler
we could think of: a discrete-event simulation of 2 batched workers where a batch of n costs A + B*n ms and a
worker runs one batch at a time (the `bench pool` cost model). Prints, per scheduling policy, the throughput at
saturation (closed loop, as a fraction of the ideal) and p50/p99/max latency at 80% load for each arrival kind,
in model time and as multiples of the 22 ms single call (and of 28 ms with gRPC's ~6 ms added to both).
Findings and the analytic floor: BENCHMARKS.md, section "pool".

Usage: nice -n 19 python3 sim.py [REQUESTS] [det,det-tick,poisson]   (plain Python 3, no packages; ~1 min)."""
import heapq, random, math, sys
from collections import deque

A, B, CAP, W = 20.0, 2.0, 16, 2
IDEAL = W * CAP / (A + B * CAP)          # per ms  (0.6154 -> 615.4/s)

def arrivals(kind, lam, n, rng):
    t, out = 0.0, []
    if kind == 'det':                     # bench: fixed schedule i/rate
        out = [i / lam for i in range(n)]
    elif kind == 'det-tick':              # fixed schedule released on a 1 ms timer tick (Task.Delay granularity)
        out = [math.ceil(i / lam) for i in range(n)]
    elif kind == 'poisson':
        for _ in range(n):
            t += rng.expovariate(lam); out.append(t)
    return out

class Sim:
    def __init__(self, mode='local', route='p2c', delay=0.0, stagger=None, cap=CAP, seed=1):
        self.mode, self.route, self.delay, self.stagger, self.cap = mode, route, delay, stagger, cap
        self.rng = random.Random(seed)
        self.ev, self.seq = [], 0
        self.busy = [False] * W; self.end = [0.0] * W; self.start = [-1e9] * W; self.dur = [0.0] * W
        self.q = [deque() for _ in range(W)]; self.cq = deque()
        self.forming = [None] * W; self.tok = [0] * W
        self.out = [0] * W                       # outstanding (queued + forming + running) per worker
        self.running = [[] for _ in range(W)]
        self.lat = []; self.batches = []; self.rr = 0; self.last_start = -1e9; self.wake_at = None
        self.closed = False; self.done = 0

    def push(self, t, kind, data):
        self.seq += 1; heapq.heappush(self.ev, (t, self.seq, kind, data))

    # ---------- routing (local mode) ----------
    def pick(self, now):
        r = self.route
        if r == 'random': return self.rng.randrange(W)
        if r == 'rr': self.rr = (self.rr + 1) % W; return self.rr
        if r == 'p2c':   # TracePool: 2 distinct random picks, fewer outstanding wins, tie -> first pick
            f = self.rng.randrange(W); s = self.rng.randrange(W - 1); s += s >= f
            return f if self.out[f] <= self.out[s] else s
        if r == 'lef':   # least expected finish time for this request
            best, bw = None, 0
            for w in range(W):
                qn = len(self.q[w]) + (len(self.forming[w]) if self.forming[w] is not None else 0) + 1
                est = (self.end[w] if self.busy[w] else now) + math.ceil(qn / self.cap) * A + B * qn
                if best is None or est < best: best, bw = est, w
            return bw
        raise ValueError(r)

    def launch(self, w, batch, now):
        n = len(batch); d = A + B * n
        self.busy[w] = True; self.end[w] = now + d; self.start[w] = now; self.dur[w] = d
        self.running[w] = batch; self.batches.append(n); self.last_start = now
        self.push(now + d, 'free', w)

    # ---------- local per-worker batcher (mirrors BackendBatcher.ExecuteAsync) ----------
    def local_try(self, w, now):
        if self.busy[w] or self.forming[w] is not None or not self.q[w]: return
        if self.stagger is not None:   # phase-shifted local workers: wait for the other's batch midpoint
            t = self.allowed(w, now) if not (isinstance(self.stagger, tuple) and self.stagger[2] and len(self.q[w]) >= self.cap) else now
            if t > now + 1e-12: self.push(t, 'lwake', w); return
        b = []
        while self.q[w] and len(b) < self.cap: b.append(self.q[w].popleft())
        if len(b) >= self.cap or self.delay <= 0: self.launch(w, b, now)
        else:
            self.forming[w] = b; self.tok[w] += 1; self.push(now + self.delay, 'win', (w, self.tok[w]))

    # ---------- central dispatcher ----------
    def allowed(self, w, now):
        s = self.stagger
        if s is None: return now
        o = 1 - w
        if s == 'mid':     # start no earlier than the midpoint of the other worker's running batch
            return self.start[o] + self.dur[o] / 2 if self.busy[o] else now
        if isinstance(s, tuple):   # ('frac', f, bypass_when_full): start at other_start + f*other_dur
            _, f, byp = s
            if byp and len(self.cq) >= (self.cap if byp is True else byp): return now
            return self.start[o] + self.dur[o] * f if self.busy[o] else now
        return self.last_start + s   # fixed minimum spacing between batch starts

    def central_try(self, now):
        for w in range(W):
            if self.busy[w] or not self.cq: continue
            t = self.allowed(w, now)
            if t > now + 1e-12:
                if self.wake_at is None or t < self.wake_at or self.wake_at <= now:
                    self.wake_at = t; self.push(t, 'wake', None)
                continue
            b = []
            while self.cq and len(b) < self.cap: b.append(self.cq.popleft())
            self.launch(w, b, now)

    def arrive(self, t):
        if self.mode == 'central':
            self.cq.append(t); self.central_try(t); return
        w = self.pick(t); self.out[w] += 1
        f = self.forming[w]
        if f is not None:
            f.append(t)
            if len(f) >= self.cap: self.forming[w] = None; self.tok[w] += 1; self.launch(w, f, t)
        else:
            self.q[w].append(t); self.local_try(w, t)

    def run(self, arr=None, callers=0, target=0):
        if arr is not None:
            for t in arr: self.push(t, 'arr', t)
        else:
            self.closed = True
            for i in range(callers): self.push(0.0, 'arr', 0.0)
        while self.ev:
            now, _, k, d = heapq.heappop(self.ev)
            if k == 'arr': self.arrive(now)
            elif k == 'free':
                w = d; self.busy[w] = False
                fin = self.running[w]; self.running[w] = []
                for a in fin:
                    self.lat.append(now - a)
                    if self.mode == 'local': self.out[w] -= 1
                    self.done += 1
                    if self.closed: self.arrive(now)
                if self.closed and self.done >= target: return now
                if self.mode == 'central': self.central_try(now)
                else: self.local_try(w, now)
            elif k == 'win':
                w, tk = d
                if self.tok[w] == tk and self.forming[w] is not None:
                    b = self.forming[w]; self.forming[w] = None; self.launch(w, b, now)
            elif k == 'lwake': self.local_try(d, now)
            elif k == 'wake':
                if self.mode == 'central': self.central_try(now)
        return now

def pct(s, p): return s[min(len(s) - 1, int(p / 100 * len(s)))]

def load_stats(pol, kind, frac, n, seed=7):
    rng = random.Random(seed)
    sim = Sim(**pol, seed=seed)
    sim.run(arr=arrivals(kind, frac * IDEAL, n, rng))
    L = sorted(sim.lat[n // 20:])          # drop first 5% (warm-up); completion order
    nb = sim.batches[len(sim.batches) // 20:]
    return pct(L, 50), pct(L, 99), L[-1], sum(nb) / len(nb)

def saturation(pol, n=100000):
    sim = Sim(**pol, seed=3)
    t = sim.run(callers=W * CAP * 3, target=n)        # bench: 96 closed-loop callers
    return n / t / IDEAL

POLICIES = [
    ('local random d=0',          dict(mode='local', route='random')),
    ('local rr d=0',              dict(mode='local', route='rr')),
    ('local p2c d=0',             dict(mode='local', route='p2c')),
    ('local p2c d=2 (current)',   dict(mode='local', route='p2c', delay=2)),
    ('local p2c d=5',             dict(mode='local', route='p2c', delay=5)),
    ('local p2c d=10',            dict(mode='local', route='p2c', delay=10)),
    ('local lef d=0',             dict(mode='local', route='lef')),
    ('local p2c d=0 cap13',       dict(mode='local', route='p2c', cap=13)),
    ('central greedy',            dict(mode='central')),
    ('central cap13',             dict(mode='central', cap=13)),
    ('central spacing 10',        dict(mode='central', stagger=10.0)),
    ('central spacing 19.7',      dict(mode='central', stagger=19.7)),
    ('central mid-stagger',       dict(mode='central', stagger='mid')),
    ('central stagger f=0.4',     dict(mode='central', stagger=('frac', 0.4, False))),
    ('central stagger f=0.45',    dict(mode='central', stagger=('frac', 0.45, False))),
    ('central mid-stagger+full',  dict(mode='central', stagger=('frac', 0.5, True))),
    ('central mid-stagger cap13', dict(mode='central', stagger='mid', cap=13)),
]

if __name__ == '__main__':
    N = int(sys.argv[1]) if len(sys.argv) > 1 else 200000
    kinds = sys.argv[2].split(',') if len(sys.argv) > 2 else ['det', 'poisson']
    print(f"ideal {IDEAL*1000:.1f}/s; 80% = {0.8*IDEAL*1000:.1f}/s; N={N}")
    for name, pol in POLICIES:
        sat = saturation(pol)
        row = [f"{name:26s} sat {sat:.3f}"]
        for kind in kinds:
            p50, p99, mx, mb = load_stats(pol, kind, 0.8, N)
            row.append(f"{kind}: p50 {p50:5.1f} p99 {p99:5.1f} ({p99/22:.2f}x, {(p99+6)/28:.2f}x) max {mx:5.1f} nbar {mb:4.1f}")
        print(' | '.join(row), flush=True)
