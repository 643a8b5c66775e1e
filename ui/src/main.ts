/**
 * The `assay ui` front end: hash routes (so links work from file:// in a static export).
 *   #/                      runs table
 *   #/compare?runs=a,b,...  compare (a = name/id, first is the baseline)
 *   #/history/NAME          a pipeline's history
 *   #/run/NAME/ID[/TAB]     a run: report | errors | trials
 *   #/trials/NAME/ID        a run's trials
 *   #/live/NAME/ID          a run in progress
 */
import './style.css';
import { isStatic } from './api.js';
import { el, esc } from './dom.js';
import { compareView } from './views/compare.js';
import { historyView } from './views/history.js';
import { liveView } from './views/live.js';
import { runView } from './views/run.js';
import { runsView } from './views/runs.js';
import { trialsView } from './views/trials.js';

let cleanup: (() => void) | null = null;

async function route(): Promise<void> {
  cleanup?.();
  cleanup = null;
  const app = document.getElementById('app')!;
  const [pathPart, query = ''] = location.hash.replace(/^#\/?/, '').split('?');
  const parts = (pathPart ?? '').split('/').filter(Boolean).map(decodeURIComponent);
  const params = new URLSearchParams(query);
  const view = el('main', 'view');
  view.id = 'view';
  const nav = el('header', 'top', `<a href="#/" class="brand">assay</a><nav><a href="#/">Runs</a></nav>${isStatic ? '<span class="muted">static export</span>' : ''}`);
  app.replaceChildren(nav, view);
  const key = (k: number) => `${parts[k] ?? ''}/${parts[k + 1] ?? ''}`;
  try {
    switch (parts[0] ?? 'runs') {
      case 'runs': cleanup = await runsView(view); break;
      case 'compare': await compareView(view, (params.get('runs') ?? '').split(',').filter(Boolean)); break;
      case 'history': await historyView(view, parts[1] ?? ''); break;
      case 'run': await runView(view, key(1), parts[3] ?? 'report'); break;
      case 'trials': await trialsView(view, key(1)); break;
      case 'live': cleanup = await liveView(view, key(1)); break;
      default: view.innerHTML = `<p>No view "${esc(parts[0])}". <a href="#/">Runs</a></p>`;
    }
  } catch (err) {
    view.innerHTML = `<p class="warn">${esc((err as Error).message)}</p>`;
    view.dataset.error = 'true';
  }
}

window.addEventListener('hashchange', () => void route());
void route();
