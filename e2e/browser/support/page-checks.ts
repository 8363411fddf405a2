import type { Locator, Page } from 'playwright-core';

/**
 * The few browser objects the checks below read inside the page. The e2e programs are compiled
 * without the DOM library (they run in Node), so the functions Playwright sends to the page
 * reach these through `globalThis` with the types written out here.
 */
interface PageElement {
  tagName: string;
  className: string;
  textContent: string | null;
  labels?: ArrayLike<{ textContent: string | null }> | null;
  getAttribute(name: string): string | null;
  closest(selector: string): PageElement | null;
  getBoundingClientRect(): { right: number };
}
interface PageWindow {
  document: {
    activeElement: PageElement | null;
    documentElement: { scrollWidth: number };
    body: { scrollWidth: number };
    querySelectorAll(selector: string): ArrayLike<PageElement>;
  };
  innerWidth: number;
  getComputedStyle(element: unknown): { color: string };
  localStorage: { getItem(key: string): string | null };
  __sameDocument?: boolean;
}

/** What the focused element is called: its aria-label or label, its name, its text. */
export interface FocusedElement {
  label: string;
  name: string;
  text: string;
}

/**
 * Presses Tab (or Shift+Tab) until the focused element matches `isTarget`, so a test reaches a
 * control by keyboard alone, as a user without a mouse would. Fails after `limit` presses.
 */
export async function tabUntil(
  page: Page,
  what: string,
  isTarget: (focused: FocusedElement) => boolean,
  options: { backwards?: boolean; limit?: number } = {},
): Promise<void> {
  for (let i = 0; i < (options.limit ?? 80); i++) {
    await page.keyboard.press(options.backwards ? 'Shift+Tab' : 'Tab');
    if (isTarget(await focused(page))) return;
  }
  throw new Error(`could not reach ${what} with the Tab key`);
}

/** The element that has the keyboard focus. */
export function focused(page: Page): Promise<FocusedElement> {
  return page.evaluate(() => {
    const el = (globalThis as unknown as PageWindow).document.activeElement;
    return {
      label: el?.getAttribute('aria-label') ?? el?.labels?.[0]?.textContent ?? '',
      name: el?.getAttribute('name') ?? '',
      text: el?.textContent ?? '',
    };
  });
}

/**
 * Fails when the page itself is wider than the window (at 390 px a wide table must scroll
 * inside its .table-wrap, not push the whole page sideways).
 */
export async function assertNoPageOverflow(page: Page): Promise<void> {
  const widths = await page.evaluate(() => {
    const w = globalThis as unknown as PageWindow;
    return {
      page: w.document.documentElement.scrollWidth,
      body: w.document.body.scrollWidth,
      window: w.innerWidth,
      wide: Array.from(w.document.querySelectorAll('main *'))
        .filter((el) => !el.closest('.table-wrap') && el.getBoundingClientRect().right > w.innerWidth + 1)
        .slice(0, 5)
        .map((el) => `${el.tagName.toLowerCase()}.${el.className}`),
    };
  });
  if (widths.page > widths.window || widths.body > widths.window || widths.wide.length > 0) {
    throw new Error(
      `the page is wider than the window: ${widths.page}px (body ${widths.body}px) in ${widths.window}px; outside .table-wrap: ${widths.wide.join(', ')}`,
    );
  }
}

/** The text colour an element is drawn in, as the browser computed it ("rgb(r, g, b)"). */
export function textColor(locator: Locator): Promise<string> {
  return locator.evaluate((el) => (globalThis as unknown as PageWindow).getComputedStyle(el).color);
}

/**
 * Marks the document, so `stillSameDocument` can tell later that the page was never reloaded
 * (a reload makes a new window object without the mark).
 */
export async function markDocument(page: Page): Promise<void> {
  await page.evaluate(() => {
    (globalThis as unknown as PageWindow).__sameDocument = true;
  });
}

/** Whether the document marked by `markDocument` is still the one shown. */
export function stillSameDocument(page: Page): Promise<boolean> {
  return page.evaluate(() => (globalThis as unknown as PageWindow).__sameDocument === true);
}

/** What the page keeps in localStorage under a key (null when nothing). */
export function storedItem(page: Page, key: string): Promise<string | null> {
  return page.evaluate((k) => (globalThis as unknown as PageWindow).localStorage.getItem(k), key);
}
