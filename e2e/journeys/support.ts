/**
 * What every journey starts from: a person who set up a provider (the mock server on 127.0.0.1)
 * and stored its key, and the few things they look at again and again. Journeys find things as a
 * person does: by role and accessible name, by label, or by `data-testid`, never by CSS class.
 */
import type { Locator, Page } from '@playwright/test';
import { startMockServer, type MockServer } from '../fixtures/mockServer';
import { seedMockProvider, setKey } from '../fixtures/seed';
import type { LaunchedApp, LaunchOptions } from '../fixtures/launchApp';
import { expect } from '../fixtures/test';

export const JOURNEY_KEY = `sk-e2e-journey-${Date.now().toString(36)}`;

/** A running app with a provider pointing at a fresh mock server, its key stored through the app. */
export interface Journey {
  app: LaunchedApp;
  page: Page;
  mock: MockServer;
  userDataDir: string;
}

/** Starts the mock server and the app, and stores the key (IPC only for this set-up). */
export async function startJourney(
  launch: (options?: LaunchOptions) => Promise<LaunchedApp>,
  options: Omit<LaunchOptions, 'userDataDir'> & {
    /** Writes what months of use would have left in the user-data folder, before the app starts. */
    seed?: (userDataDir: string) => void;
    /** Where the mock listens; 127.0.0.1, this computer, unless a journey needs a server elsewhere. */
    mockHost?: string;
  } = {},
): Promise<Journey> {
  const { seed, mockHost, ...launchOptions } = options;
  const mock = await startMockServer({ requiredKey: JOURNEY_KEY, host: mockHost });
  const userDataDir = seedMockProvider(mock.url);
  seed?.(userDataDir);
  const app = await launch({ ...launchOptions, userDataDir });
  await setKey(app.page, JOURNEY_KEY);
  return { app, page: app.page, mock, userDataDir };
}

/** The messages on screen, by who wrote them. */
export const replies = (page: Page): Locator => page.locator('[data-testid="message"][data-role="assistant"]');
export const questions = (page: Page): Locator => page.locator('[data-testid="message"][data-role="user"]');

/** Types a message into the message box and presses Enter. */
export async function ask(page: Page, text: string): Promise<void> {
  const composer = page.getByTestId('composer');
  await composer.click();
  await composer.fill(text);
  await page.keyboard.press('Enter');
}

/** Asks, and waits until the reply is written out. */
export async function askAndWait(page: Page, text: string): Promise<Locator> {
  const before = await replies(page).count();
  await ask(page, text);
  const reply = replies(page).nth(before);
  await expect(reply).toHaveAttribute('data-status', 'complete', { timeout: 30_000 });
  return reply;
}

/** The body the mock server received last, parsed. */
export function lastRequestBody(mock: MockServer): Record<string, unknown> {
  return JSON.parse(mock.requests.at(-1)?.body ?? '{}') as Record<string, unknown>;
}
