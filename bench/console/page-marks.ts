/**
 * What the page records about itself, as performance.now() times (ms since navigation start).
 * Run in the page before its own scripts (Playwright's addInitScript, which the page's CSP does
 * not apply to). A MutationObserver tests after every DOM change:
 *
 * - ready: the list shows rows and its pager's "Next" button is enabled. The pager enables Next
 *   only once a page arrived and nothing is loading, and React renders the rows and the pager in
 *   the same commit, so from then on a click on Next works.
 * - readyPainted: the first frame that shows it (a requestAnimationFrame, then a task: after paint).
 * - clickAt: the first click after ready (the benchmark clicks Next).
 * - nextShown / nextPainted: the first row changed and Previous is enabled (page 2 arrived and
 *   nothing is loading), and the frame that shows it.
 */
export interface PageMarks {
  ready: number | null;
  readyPainted: number | null;
  clickAt: number | null;
  nextShown: number | null;
  nextPainted: number | null;
  rows: number;
  pagerText: string;
}

/** The list's rows: a table body's rows in the page's main region. */
export const ROW_SELECTOR = 'main table tbody tr';

/** The source of the init script (a self-contained function body; nothing from this module reaches the page). */
export const MARKS_SCRIPT = `(() => {
  const marks = { ready: null, readyPainted: null, clickAt: null, nextShown: null, nextPainted: null, rows: 0, pagerText: '' };
  window.__benchMarks = marks;
  let firstRow = null;
  const afterPaint = (set) => requestAnimationFrame(() => setTimeout(() => set(performance.now()), 0));
  const pagerButton = (label) => {
    for (const nav of document.querySelectorAll('main nav')) {
      const name = nav.getAttribute('aria-label') || '';
      if (!/ pages$/.test(name)) continue;
      for (const b of nav.querySelectorAll('button')) if (b.textContent.trim() === label) return { nav, button: b };
    }
    return null;
  };
  const check = () => {
    const row = document.querySelector(${JSON.stringify(ROW_SELECTOR)});
    if (marks.ready === null) {
      const next = pagerButton('Next');
      if (row && next && !next.button.disabled) {
        marks.ready = performance.now();
        marks.rows = document.querySelectorAll(${JSON.stringify(ROW_SELECTOR)}).length;
        marks.pagerText = next.nav.textContent.replace(/\\s+/g, ' ').trim();
        firstRow = row.textContent;
        afterPaint((t) => { marks.readyPainted = t; });
      }
    } else if (marks.clickAt !== null && marks.nextShown === null) {
      const previous = pagerButton('Previous');
      if (row && row.textContent !== firstRow && previous && !previous.button.disabled) {
        marks.nextShown = performance.now();
        afterPaint((t) => { marks.nextPainted = t; });
      }
    }
  };
  new MutationObserver(check).observe(document, { subtree: true, childList: true, attributes: true, characterData: true });
  document.addEventListener('click', () => {
    if (marks.ready !== null && marks.clickAt === null) marks.clickAt = performance.now();
  }, true);
})();`;
