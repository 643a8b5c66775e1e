"""The reference CNN of bench/reference-cnn.ts in PyTorch on one thread, for a side-by-side rate.

conv16-pool-conv32-pool-conv64-GAP-dense1 (3x3 'same' convolutions with ReLU, 2x2 max pools,
sigmoid output with binary cross-entropy), batch 32, Adam 1e-3. Prints one JSON object:
{"torch": version, "threads": 1, "rows": [{"input": "HxWxC", "trainImagesPerSecond", "inferImagesPerSecond",
"trainImagesPerCpuSecond", "inferImagesPerCpuSecond", "trainSteps"}]} (rates per second of wall and of CPU time).
Usage: python3 bench/torch_reference_cnn.py [seconds] [HxWxC ...]
"""
import json
import sys
import time

import torch
from torch import nn

BATCH = 32


def reference_cnn(c):
    return nn.Sequential(
        nn.Conv2d(c, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(),
        nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(64, 1))


def rate(seconds, step):
    """Steps per second of wall time and per second of this process's CPU time."""
    start, cpu = time.perf_counter(), time.process_time()
    steps = 0
    while steps < 2 or time.perf_counter() - start < seconds:
        step()
        steps += 1
    return steps / (time.perf_counter() - start), steps / (time.process_time() - cpu), steps


def measure(h, w, c, seconds):
    torch.manual_seed(1)
    model = reference_cnn(c)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.BCEWithLogitsLoss()
    x = torch.rand(BATCH, c, h, w)
    y = (torch.arange(BATCH) % 2).float().reshape(BATCH, 1)

    def train():
        opt.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()
        loss.item()

    def infer():
        with torch.no_grad():
            torch.sigmoid(model(x)).sum().item()

    train()
    infer()
    t, t_cpu, steps = rate(seconds, train)
    i, i_cpu, _ = rate(seconds / 2, infer)
    return {"input": f"{h}x{w}x{c}", "trainImagesPerSecond": t * BATCH, "inferImagesPerSecond": i * BATCH,
            "trainImagesPerCpuSecond": t_cpu * BATCH, "inferImagesPerCpuSecond": i_cpu * BATCH, "trainSteps": steps}


def main():
    torch.set_num_threads(1)
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 3.0
    inputs = sys.argv[2:] or ["64x64x1", "128x128x3"]
    rows = [measure(*map(int, s.split("x")), seconds) for s in inputs]
    print(json.dumps({"torch": torch.__version__, "threads": torch.get_num_threads(), "rows": rows}))


if __name__ == "__main__":
    main()
