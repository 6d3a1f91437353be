import type { Browser, Page } from 'playwright-core';
import { expect } from 'vitest';
import type { LedgerFixture } from './ledger-fixture';
import { OVERVIEW_PAGE } from './ledger-fixture';

const TIMEOUT = 30_000;

/** The overview's table row of `image`. */
function rowOf(page: Page, image: string) {
  return page.locator('tr', { has: page.getByRole('link', { name: image, exact: true }) });
}

/**
 * Walks the ledger app at `baseUrl` in a real browser over the builds of `fixture` (already
 * recorded): overview, image page with its chart and outcome filter, CI runs, one run, and
 * the overview and image page at phone width.
 */
export async function checkLedgerPages(browser: Browser, baseUrl: string, fixture: LedgerFixture): Promise<void> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  try {
    const page = await context.newPage();
    page.setDefaultTimeout(TIMEOUT);
    await checkOverview(page, baseUrl, fixture);
    await checkOverviewPages(page, fixture);
    await page.goto(`${baseUrl}/`);
    await page.getByRole('link', { name: fixture.web, exact: true }).waitFor();
    await checkImagePage(page, fixture);
    await checkRuns(page, baseUrl, fixture);
  } finally {
    await context.close();
  }
  await checkPhone(browser, baseUrl, fixture);
}

async function checkOverview(page: Page, baseUrl: string, { api, web }: LedgerFixture) {
  await page.goto(`${baseUrl}/`);
  await page.getByRole('link', { name: api, exact: true }).waitFor();
  const apiRow = rowOf(page, api);
  expect(await apiRow.innerText()).toMatch(/sha256:00000005…/);
  expect(await apiRow.innerText()).toContain('13.2 MB');
  expect(await apiRow.innerText()).toContain('66% of 20.0 MB');
  expect(await apiRow.innerText()).toMatch(/33%\s*\(1 of 3\)/);
  expect(await apiRow.locator('td[data-label="Builds"]').innerText()).toBe('4');
  const webRow = rowOf(page, web);
  expect(await webRow.innerText()).toContain('108% of 5.0 MB');
  expect(await webRow.innerText()).toContain('over budget');
  expect(await webRow.locator('td[data-label="Last built"]').innerText()).toMatch(/just now|minute/);
}

/** The overview shows a page of images, newest first, and the older ones on "Load more". */
async function checkOverviewPages(page: Page, { api, web, fillers }: LedgerFixture) {
  const rows = page.locator('tbody tr');
  const oldest = fillers[0] ?? '';
  const newestFiller = fillers.at(-1) ?? '';
  expect(await rows.count()).toBe(OVERVIEW_PAGE);
  const names = await page.locator('tbody tr th a').allInnerTexts();
  expect(names.slice(0, 3)).toEqual([api, web, newestFiller]);
  expect(await page.getByRole('link', { name: oldest, exact: true }).count()).toBe(0);

  await page.getByRole('button', { name: 'Load more' }).click();
  await page.getByRole('link', { name: oldest, exact: true }).waitFor();
  const all = await page.locator('tbody tr th a').allInnerTexts();
  // Every image once, the fillers in order (the oldest last), the first page unchanged.
  expect(all.slice(0, OVERVIEW_PAGE)).toEqual(names);
  expect(new Set(all).size).toBe(all.length);
  const shown = all.filter((n) => fillers.includes(n));
  expect(shown).toEqual([...fillers].reverse());
}

async function checkImagePage(page: Page, { web }: LedgerFixture) {
  await page.getByRole('link', { name: web, exact: true }).click();
  await page.getByRole('heading', { level: 2, name: web }).waitFor();
  expect(new URL(page.url()).pathname).toBe(`/images/${encodeURIComponent(web)}`);

  // The chart: one dot per build (3), and the dashed budget line.
  const dots = page.locator('.size-chart circle.recharts-line-dot[name="Size"]');
  await dots.nth(2).waitFor();
  expect(await dots.count()).toBe(3);
  const budget = page.locator('.size-chart .budget-line path.recharts-curve');
  expect(await budget.getAttribute('stroke-dasharray')).toBe('6 4');
  expect(await budget.getAttribute('d')).toMatch(/^M[\d.]+,[\d.]+/);
  // The last build is over budget: its dot sits above the budget line (smaller y is higher).
  const lastDotY = Number(await dots.nth(2).getAttribute('cy'));
  const budgetY = Number(/^M[\d.]+,([\d.]+)/.exec((await budget.getAttribute('d')) ?? '')?.[1]);
  expect(lastDotY).toBeLessThan(budgetY);

  const rows = page.getByRole('region', { name: 'Builds, newest first' }).locator('tbody tr');
  expect(await rows.count()).toBe(3);
  await page.getByRole('combobox', { name: 'Outcome' }).selectOption('reused');
  await page.waitForURL(/\?outcome=reused$/);
  await page.getByText('1 shown').waitFor();
  expect(await rows.count()).toBe(1);
  expect(await rows.first().innerText()).toContain('reused');
}

async function checkRuns(page: Page, baseUrl: string, { api, web, runs }: LedgerFixture) {
  await page.goto(`${baseUrl}/runs`);
  await page.getByRole('link', { name: runs[2], exact: true }).click();
  await page.getByRole('heading', { level: 2, name: `CI run ${runs[2]}` }).waitFor();
  const apiRow = rowOf(page, api);
  const webRow = rowOf(page, web);
  await apiRow.waitFor();
  expect(await apiRow.innerText()).toContain('44.5 s');
  expect(await apiRow.innerText()).toContain('built');
  expect(await webRow.innerText()).toContain('1 min 11 s');
  expect(await page.locator('.facts').innerText()).toMatch(/2 · 2 built · 0 reused/);
  expect(await page.locator('.facts').innerText()).toContain('1 min 56 s'); // 44.5 s + 71.2 s of build time
}

/** At phone width (390 px) nothing may be wider than the screen: tables become cards, the chart fits. */
async function checkPhone(browser: Browser, baseUrl: string, { web }: LedgerFixture) {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  try {
    const page = await context.newPage();
    page.setDefaultTimeout(TIMEOUT);
    // Runs in the page; written as a string because this project is typed for Node, not the DOM.
    const pageWidth = () => page.evaluate<number>('document.documentElement.scrollWidth');

    await page.goto(`${baseUrl}/`);
    await page.getByRole('link', { name: web, exact: true }).waitFor();
    expect(await pageWidth()).toBeLessThanOrEqual(390);
    expect(await page.locator('thead').first().isVisible()).toBe(false);
    expect(await rowOf(page, web).locator('td[data-label="Size"]').isVisible()).toBe(true);

    await page.goto(`${baseUrl}/images/${encodeURIComponent(web)}`);
    await page.locator('.size-chart circle.recharts-line-dot').first().waitFor();
    const chart = await page.locator('.size-chart svg.recharts-surface[role="application"]').boundingBox();
    expect(chart?.width).toBeGreaterThan(200);
    expect((chart?.x ?? 0) + (chart?.width ?? 0)).toBeLessThanOrEqual(390);
    expect(await pageWidth()).toBeLessThanOrEqual(390);
  } finally {
    await context.close();
  }
}
