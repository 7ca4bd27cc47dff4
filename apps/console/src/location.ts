import type { RouterInputs } from '@znyx/client';
import { type MouseEvent, useCallback, useSyncExternalStore } from 'react';

/**
 * The page URL is the Console's view state: the path picks the view (`/console/` or
 * `/console/catalog`), the query string holds the datasets filters, so a view can be shared and
 * survives a reload. Only the keys below are ever written: never a token.
 */
export const BASE = import.meta.env.BASE_URL; // '/console/'

const NAVIGATE = 'znyx:navigate';

function subscribe(onChange: () => void) {
  window.addEventListener('popstate', onChange);
  window.addEventListener(NAVIGATE, onChange);
  return () => {
    window.removeEventListener('popstate', onChange);
    window.removeEventListener(NAVIGATE, onChange);
  };
}

/** The current URL (path and query), re-rendering on every navigation. */
export function useLocation(): URL {
  const href = useSyncExternalStore(subscribe, () => window.location.href);
  return new URL(href);
}

/** Changes the URL without a page load; `replace` for changes that need no Back step (typing). */
export function navigate(to: string, { replace = false }: { replace?: boolean } = {}): void {
  if (to === `${window.location.pathname}${window.location.search}`) return;
  window.history[replace ? 'replaceState' : 'pushState'](null, '', to);
  window.dispatchEvent(new Event(NAVIGATE));
}

export type View = 'datasets' | 'catalog' | 'tokens' | 'dataset' | 'new';

const DATASET_PATH = /\/datasets\/([0-9a-fA-F-]{36})$/;

export function viewOf(pathname: string): View {
  const path = pathname.replace(/\/+$/, '');
  if (path.endsWith('/catalog')) return 'catalog';
  if (path.endsWith('/tokens')) return 'tokens';
  if (path.endsWith('/datasets/new')) return 'new';
  if (DATASET_PATH.test(path)) return 'dataset';
  return 'datasets';
}

/** The dataset a `/console/datasets/<id>` path shows. */
export const datasetIdOf = (pathname: string) => DATASET_PATH.exec(pathname.replace(/\/+$/, ''))?.[1];

export const pathOf = (view: 'datasets' | 'catalog' | 'tokens' | 'new') =>
  view === 'datasets' ? BASE : view === 'new' ? `${BASE}datasets/new` : `${BASE}${view}`;

export const datasetPath = (id: string) => `${BASE}datasets/${id}`;

export type Source = NonNullable<RouterInputs['datasets']['list']['source']>;
export const SOURCES: readonly Source[] = ['znyx_sample', 'industry_standard', 'customer'];

export interface Filters {
  source: Source | undefined;
  categories: string[];
  q: string;
  /** 1-based. */
  page: number;
}

export function parseFilters(search: string): Filters {
  const params = new URLSearchParams(search);
  const source = params.get('source');
  const page = Number(params.get('page'));
  return {
    source: SOURCES.find((s) => s === source),
    categories: [
      ...new Set(
        (params.get('categories') ?? '')
          .split(',')
          .map((c) => c.trim())
          .filter(Boolean),
      ),
    ],
    q: params.get('q') ?? '',
    page: Number.isInteger(page) && page > 1 ? page : 1,
  };
}

/** `?source=…&categories=a,b&q=…&page=2`, leaving out what is at its default. */
export function searchOf(filters: Filters): string {
  const params = new URLSearchParams();
  if (filters.source) params.set('source', filters.source);
  if (filters.categories.length > 0) params.set('categories', filters.categories.join(','));
  if (filters.q) params.set('q', filters.q);
  if (filters.page > 1) params.set('page', String(filters.page));
  const search = params.toString().replaceAll('%2C', ',');
  return search ? `?${search}` : '';
}

/**
 * The datasets filters, read from the URL, and a setter that merges a change into whatever the
 * URL holds at the time of the call (so a debounced update never undoes a newer one).
 */
export function useFilters(): [Filters, (change: Partial<Filters>, options?: { replace?: boolean }) => void] {
  const location = useLocation();
  const filters = parseFilters(location.search);
  const update = useCallback((change: Partial<Filters>, options?: { replace?: boolean }) => {
    const next = { ...parseFilters(window.location.search), ...change };
    navigate(`${window.location.pathname}${searchOf(next)}`, options);
  }, []);
  return [filters, update];
}

/** A plain click on an in-app link navigates without a page load; modified clicks keep the browser's way. */
export function followLink(event: MouseEvent<HTMLAnchorElement>, href: string): void {
  if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  event.preventDefault();
  navigate(href);
}
