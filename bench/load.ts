/** How busy a shared machine was while a measurement ran, reported beside each timing. */
import os from 'node:os';

/** Mean 1-minute load average while `work` runs (sampled every 5 s, and once at the start). */
export async function underLoad<T>(work: () => Promise<T>): Promise<{ value: T; load: number }> {
  const samples = [os.loadavg()[0]!];
  const timer = setInterval(() => samples.push(os.loadavg()[0]!), 5000);
  try {
    const value = await work();
    return { value, load: samples.reduce((a, b) => a + b, 0) / samples.length };
  } finally {
    clearInterval(timer);
  }
}
