import type { Browser, BrowserContext, CDPSession, Page } from 'playwright-core';
import { DESKTOP } from '../../e2e/browser/support/chromium';
import { type Timing, timing } from '../access/stats';
import { MARKS_SCRIPT, type PageMarks } from './page-marks';
import type { Caller } from './people';
import type { ServerLog } from './server-log';

/** The console pages timed. */
export const TIMED_PAGES = [
  { key: 'machines', path: '/machines', title: 'Machines' },
  { key: 'checkin-control', path: '/checkin-control', title: 'Check-In Control' },
] as const;

/** One page load, all times in ms from the navigation's start. */
export interface PageLoad {
  page: string;
  who: 'master' | 'scoped';
  cache: 'cold' | 'warm';
  /** First frame showing rows and an enabled Next: the page is interactive. */
  interactiveMs: number;
  /** Click on Next to the first frame showing page 2. */
  nextMs: number;
  /** The document's answer ended. */
  documentMs: number;
  /** The last script or style sheet arrived. */
  assetsMs: number;
  /** The request that brought the rows: its start, its answer's end, and the server's own time. */
  listRequest: { url: string; startMs: number; endMs: number; serverMs: number | null } | null;
  /** API requests made before the page was interactive, in order. */
  apiBefore: Array<{ path: string; startMs: number; endMs: number }>;
  rows: number;
  pagerText: string;
  /** Playwright's own clock: goto() called to interactive (includes its round trips). */
  wallMs: number;
  /**
   * The renderer's work from navigation to interactive (Chromium's Performance metrics):
   * main-thread CPU time, which waiting for a core does not inflate; the wall time of its
   * tasks and of script within them, which it does.
   */
  renderer: { cpuMs: number; taskMs: number; scriptMs: number };
}

/** Numbers of one page, caller and cache state over the rounds. */
export interface PageLoadSummary {
  page: string;
  who: 'master' | 'scoped';
  cache: 'cold' | 'warm';
  loads: number;
  interactive: Timing;
  next: Timing;
  /** Medians of the split of a load. */
  split: {
    documentMs: number;
    assetsMs: number;
    listStartMs: number;
    listMs: number;
    listServerMs: number;
    renderMs: number;
  };
  /** Medians of the renderer's main-thread CPU and task time to interactive. */
  renderer: { cpuMs: number; taskMs: number };
}

/** Everything seen in the browser that must not happen (console errors, uncaught, 5xx). */
export interface BrowserProblems {
  count: number;
  first: string[];
}

const median = (values: number[]) => timing(values).p50;

interface ResourceEntry {
  name: string;
  initiatorType: string;
  startTime: number;
  responseEnd: number;
}

/** The page's globals the benchmark reads (this project compiles without the DOM's types). */
interface InPage {
  __benchMarks: PageMarks;
  performance: { getEntriesByType(type: 'navigation' | 'resource'): ResourceEntry[] };
}

async function watchProblems(page: Page, problems: string[]): Promise<void> {
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`uncaught: ${error.message}`));
  page.on('response', (response) => {
    if (response.status() >= 500) problems.push(`${response.status()} from ${response.url()}`);
  });
}

/** A signed-in browser context (the session cookie set by POST /session through its own request API). */
async function signedInContext(browser: Browser, baseUrl: string, caller: Caller): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: DESKTOP, baseURL: baseUrl });
  await context.addInitScript(MARKS_SCRIPT);
  const answer = await context.request.post('/api/v1/session', {
    data: { name: caller.name, password: caller.password },
  });
  if (answer.status() !== 201) throw new Error(`browser sign-in of ${caller.name}: HTTP ${answer.status()}`);
  return context;
}

type RendererMetrics = Record<'ThreadTime' | 'TaskDuration' | 'ScriptDuration', number>;

async function rendererMetrics(cdp: CDPSession): Promise<RendererMetrics> {
  const { metrics } = await cdp.send('Performance.getMetrics');
  const of = (name: string) => metrics.find((m) => m.name === name)?.value ?? 0;
  return {
    ThreadTime: of('ThreadTime'),
    TaskDuration: of('TaskDuration'),
    ScriptDuration: of('ScriptDuration'),
  };
}

/** after - before in ms; a smaller after means the navigation moved to a new renderer process. */
const metricDelta = (before: RendererMetrics, after: RendererMetrics, name: keyof RendererMetrics) =>
  (after[name] >= before[name] ? after[name] - before[name] : after[name]) * 1000;

async function loadOnce(
  page: Page,
  cdp: CDPSession,
  target: (typeof TIMED_PAGES)[number],
  who: 'master' | 'scoped',
  cache: 'cold' | 'warm',
  log: ServerLog,
): Promise<PageLoad> {
  const mark = log.mark();
  const before = await rendererMetrics(cdp);
  const started = performance.now();
  await page.goto(target.path, { waitUntil: 'commit' });
  const marked = (which: 'readyPainted' | 'nextPainted') =>
    page.waitForFunction((key) => (globalThis as unknown as InPage).__benchMarks[key] !== null, which, {
      timeout: 30_000,
      polling: 25,
    });
  await marked('readyPainted');
  const wallMs = performance.now() - started;
  const after = await rendererMetrics(cdp);
  await page
    .getByRole('navigation', { name: / pages$/ })
    .getByRole('button', { name: 'Next' })
    .click();
  await marked('nextPainted');
  const seen = await page.evaluate(() => {
    const w = globalThis as unknown as InPage;
    const nav = w.performance.getEntriesByType('navigation')[0];
    return {
      marks: w.__benchMarks,
      documentEnd: nav?.responseEnd ?? 0,
      resources: w.performance.getEntriesByType('resource').map((r) => ({
        name: r.name,
        initiatorType: r.initiatorType,
        startTime: r.startTime,
        responseEnd: r.responseEnd,
      })),
    };
  });
  const m = seen.marks;
  if (m.readyPainted === null || m.clickAt === null || m.nextPainted === null)
    throw new Error('page marks are missing');
  const resources = seen.resources as ResourceEntry[];
  const assetsMs = Math.max(
    seen.documentEnd,
    ...resources
      .filter((r) => r.initiatorType === 'script' || r.initiatorType === 'link')
      .map((r) => r.responseEnd),
  );
  const api = resources
    .filter(
      (r) =>
        new URL(r.name).pathname.startsWith('/api/v1/') &&
        r.responseEnd > 0 &&
        r.responseEnd <= (m.ready as number),
    )
    .sort((a, b) => a.startTime - b.startTime);
  // The rows came with the last API answer before the page was ready.
  const list = [...api].sort((a, b) => a.responseEnd - b.responseEnd).at(-1);
  let listRequest: PageLoad['listRequest'] = null;
  if (list) {
    const url = new URL(list.name);
    const path = `${url.pathname}${url.search}`;
    const logged = log.since(mark).find((l) => l.url === path);
    listRequest = {
      url: path,
      startMs: list.startTime,
      endMs: list.responseEnd,
      serverMs: logged?.responseTimeMs ?? null,
    };
  }
  return {
    page: target.key,
    who,
    cache,
    interactiveMs: m.readyPainted,
    nextMs: m.nextPainted - m.clickAt,
    documentMs: seen.documentEnd,
    assetsMs,
    listRequest,
    apiBefore: api.map((r) => {
      const url = new URL(r.name);
      return { path: `${url.pathname}${url.search}`, startMs: r.startTime, endMs: r.responseEnd };
    }),
    rows: m.rows,
    pagerText: m.pagerText,
    wallMs,
    renderer: {
      cpuMs: metricDelta(before, after, 'ThreadTime'),
      taskMs: metricDelta(before, after, 'TaskDuration'),
      scriptMs: metricDelta(before, after, 'ScriptDuration'),
    },
  };
}

/**
 * Loads each timed page `rounds` times per caller in Debian's Chromium: each round opens a
 * fresh browser context (empty cache, signed in through POST /session), loads the page
 * ("cold": the console's scripts are fetched too), clicks Next, then loads it again in the same
 * tab ("warm": scripts from the cache). Every load is a full navigation to the page's address.
 */
export async function measurePages(
  browser: Browser,
  baseUrl: string,
  callers: { master: Caller; scoped: Caller },
  rounds: number,
  log: ServerLog,
  progress: (message: string) => void,
): Promise<{ loads: PageLoad[]; summaries: PageLoadSummary[]; problems: BrowserProblems }> {
  const loads: PageLoad[] = [];
  const problems: string[] = [];
  for (let r = 0; r < rounds; r++) {
    for (const who of r % 2 === 0 ? (['master', 'scoped'] as const) : (['scoped', 'master'] as const)) {
      for (const target of TIMED_PAGES) {
        const context = await signedInContext(browser, baseUrl, callers[who]);
        try {
          const page = await context.newPage();
          await watchProblems(page, problems);
          const cdp = await context.newCDPSession(page);
          await cdp.send('Performance.enable');
          loads.push(await loadOnce(page, cdp, target, who, 'cold', log));
          loads.push(await loadOnce(page, cdp, target, who, 'warm', log));
        } finally {
          await context.close();
        }
      }
    }
    const last = loads.slice(-2 * 2 * TIMED_PAGES.length);
    progress(
      `browser round ${r + 1}/${rounds}: interactive ${last.map((l) => l.interactiveMs.toFixed(0)).join(' ')} ms`,
    );
  }
  const summaries: PageLoadSummary[] = [];
  for (const target of TIMED_PAGES)
    for (const who of ['master', 'scoped'] as const)
      for (const cache of ['cold', 'warm'] as const) {
        const of = loads.filter((l) => l.page === target.key && l.who === who && l.cache === cache);
        const withList = of.filter((l) => l.listRequest !== null);
        summaries.push({
          page: target.key,
          who,
          cache,
          loads: of.length,
          interactive: timing(of.map((l) => l.interactiveMs)),
          next: timing(of.map((l) => l.nextMs)),
          split: {
            documentMs: median(of.map((l) => l.documentMs)),
            assetsMs: median(of.map((l) => l.assetsMs)),
            listStartMs: median(withList.map((l) => l.listRequest?.startMs ?? 0)),
            listMs: median(
              withList.map((l) => (l.listRequest ? l.listRequest.endMs - l.listRequest.startMs : 0)),
            ),
            listServerMs: median(
              withList.flatMap((l) => (l.listRequest?.serverMs == null ? [] : [l.listRequest.serverMs])),
            ),
            renderMs: median(withList.map((l) => l.interactiveMs - (l.listRequest?.endMs ?? 0))),
          },
          renderer: {
            cpuMs: median(of.map((l) => l.renderer.cpuMs)),
            taskMs: median(of.map((l) => l.renderer.taskMs)),
          },
        });
      }
  return { loads, summaries, problems: { count: problems.length, first: problems.slice(0, 10) } };
}
