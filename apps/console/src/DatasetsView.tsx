import { keepPreviousData, type UseQueryResult, useQuery } from '@tanstack/react-query';
import { type KeyboardEvent, useCallback, useEffect, useRef, useState } from 'react';
import { describeError, useSession } from './api';
import { type DatasetPage, formatCount, formatDate, SOURCE_LABEL } from './format';
import {
  BASE,
  datasetPath,
  type Filters,
  followLink,
  navigate,
  pathOf,
  type Source,
  searchOf,
  useFilters,
} from './location';

export const PAGE_SIZE = 25;

const TABS: { source: Source | undefined; label: string }[] = [
  { source: undefined, label: 'All' },
  { source: 'znyx_sample', label: 'ZNYX samples' },
  { source: 'industry_standard', label: 'Industry standard' },
  { source: 'customer', label: 'Custom' },
];

let lastSearch = '';
/** The datasets view as it was last left, for the navigation link. */
export const datasetsHref = () => `${BASE}${lastSearch}`;

export function DatasetsView() {
  const { client, whoami } = useSession();
  const [filters, setFilters] = useFilters();
  useEffect(() => {
    lastSearch = searchOf(filters);
  });

  const filterInput = {
    org_id: whoami.org.id,
    source: filters.source,
    categories: filters.categories.length > 0 ? filters.categories : undefined,
    q: filters.q || undefined,
  };
  const listInput = { ...filterInput, limit: PAGE_SIZE, offset: (filters.page - 1) * PAGE_SIZE };
  const list = useQuery({
    queryKey: ['datasets.list', listInput],
    queryFn: () => client.datasets.list.query(listInput),
    placeholderData: keepPreviousData,
  });
  const facets = useQuery({
    queryKey: ['datasets.facets', filterInput],
    queryFn: () => client.datasets.facets.query(filterInput),
    placeholderData: keepPreviousData,
  });

  const setSearch = useCallback((q: string) => setFilters({ q, page: 1 }, { replace: true }), [setFilters]);
  const anyFilter = filters.source !== undefined || filters.categories.length > 0 || filters.q !== '';
  const sourceCounts = new Map(facets.data?.sources.map((s) => [s.value, s.count]));
  const allCount = facets.data?.sources.reduce((sum, s) => sum + s.count, 0);

  return (
    <>
      <div className="page-head">
        <div className="head-row">
          <h1>Datasets</h1>
          <a className="button" href={pathOf('new')} onClick={(event) => followLink(event, pathOf('new'))}>
            New dataset
          </a>
        </div>
        <p className="muted">
          {whoami.org.name}'s evaluation datasets: ZNYX samples, installed benchmarks and your team's own,
          newest first.
        </p>
      </div>

      <SourceTabs
        current={filters.source}
        counts={(source) => (source ? sourceCounts.get(source) : allCount)}
        onSelect={(source) => setFilters({ source, page: 1 })}
      />

      <div className="panel" role="tabpanel" id="datasets-panel" aria-labelledby={tabId(filters.source)}>
        <div className="filters">
          <CategoryFilter
            selected={filters.categories}
            options={facets.data?.categories}
            loading={facets.isPending}
            error={facets.isError ? describeError('load the categories', facets.error) : undefined}
            onChange={(categories) => setFilters({ categories, page: 1 })}
          />
          <SearchBox value={filters.q} onSearch={setSearch} />
        </div>

        <Results
          filters={filters}
          list={list}
          anyFilter={anyFilter}
          onPage={(page) => setFilters({ page })}
          onClear={() => setFilters({ source: undefined, categories: [], q: '', page: 1 })}
        />
      </div>
    </>
  );
}

const tabId = (source: Source | undefined) => `tab-${source ?? 'all'}`;

/** WAI-ARIA tabs: one tab stop, arrows (and Home/End) move between tabs and select them. */
function SourceTabs(props: {
  current: Source | undefined;
  counts: (source: Source | undefined) => number | undefined;
  onSelect: (source: Source | undefined) => void;
}) {
  const refs = useRef<(HTMLButtonElement | null)[]>([]);
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const index = TABS.findIndex((tab) => tab.source === props.current);
    const next = {
      ArrowRight: (index + 1) % TABS.length,
      ArrowLeft: (index - 1 + TABS.length) % TABS.length,
      Home: 0,
      End: TABS.length - 1,
    }[event.key];
    if (next === undefined) return;
    event.preventDefault();
    props.onSelect(TABS[next]?.source);
    refs.current[next]?.focus();
  };
  return (
    <div className="tabs" role="tablist" aria-label="Source" onKeyDown={onKeyDown}>
      {TABS.map((tab, i) => {
        const selected = tab.source === props.current;
        const count = props.counts(tab.source);
        return (
          <button
            key={tab.label}
            ref={(element) => {
              refs.current[i] = element;
            }}
            type="button"
            role="tab"
            id={tabId(tab.source)}
            aria-selected={selected}
            aria-controls="datasets-panel"
            tabIndex={selected ? 0 : -1}
            onClick={() => props.onSelect(tab.source)}
          >
            {tab.label}
            {count !== undefined && <span className="count"> {formatCount(count)}</span>}
          </button>
        );
      })}
    </div>
  );
}

/** Checkboxes fed by the facets ("toxicity (12)"), counted under the other filters. */
function CategoryFilter(props: {
  selected: string[];
  options: { value: string | null; count: number }[] | undefined;
  loading: boolean;
  error: string | undefined;
  onChange: (categories: string[]) => void;
}) {
  const counts = new Map<string, number>();
  for (const option of props.options ?? []) if (option.value !== null) counts.set(option.value, option.count);
  // A chosen category stays listed (at 0) when the other filters leave it no match.
  for (const category of props.selected) if (!counts.has(category)) counts.set(category, 0);
  const categories = [...counts.keys()].sort();
  const toggle = (category: string, on: boolean) =>
    props.onChange(on ? [...props.selected, category] : props.selected.filter((c) => c !== category));

  return (
    <fieldset className="categories">
      <legend>
        Categories
        {props.selected.length > 0 && (
          <button type="button" className="link" onClick={() => props.onChange([])}>
            Clear ({props.selected.length})
          </button>
        )}
      </legend>
      {props.error && (
        <p className="error" role="alert">
          {props.error}
        </p>
      )}
      {props.loading && <p className="muted">Loading categories…</p>}
      {!props.loading && !props.error && categories.length === 0 && (
        <p className="muted">No categories here.</p>
      )}
      <div className="chips">
        {categories.map((category) => (
          <label key={category} className="chip">
            <input
              type="checkbox"
              checked={props.selected.includes(category)}
              onChange={(event) => toggle(category, event.target.checked)}
            />
            {category} ({formatCount(counts.get(category) ?? 0)})
          </label>
        ))}
      </div>
    </fieldset>
  );
}

/** The name search: the URL (`q`) follows the box 300 ms after the last keystroke. */
function SearchBox({ value, onSearch }: { value: string; onSearch: (q: string) => void }) {
  const [text, setText] = useState(value);
  const sent = useRef(value);
  useEffect(() => {
    // The URL changed by itself (Back, a cleared filter): show what it says.
    if (value !== sent.current) {
      sent.current = value;
      setText(value);
    }
  }, [value]);
  useEffect(() => {
    const q = text.trim();
    if (q === sent.current) return;
    const timer = setTimeout(() => {
      sent.current = q;
      onSearch(q);
    }, 300);
    return () => clearTimeout(timer);
  }, [text, onSearch]);

  return (
    <div className="search">
      <label htmlFor="dataset-search">Search by name</label>
      <input
        id="dataset-search"
        type="search"
        placeholder="e.g. jailbreak"
        autoComplete="off"
        value={text}
        onChange={(event) => setText(event.target.value)}
      />
    </div>
  );
}

function Results(props: {
  filters: Filters;
  list: UseQueryResult<DatasetPage>;
  anyFilter: boolean;
  onPage: (page: number) => void;
  onClear: () => void;
}) {
  const { list, filters } = props;
  if (list.isError) {
    return (
      <div className="state error" role="alert">
        <p>{describeError('load the datasets', list.error)}</p>
        <button type="button" onClick={() => list.refetch()}>
          Retry
        </button>
      </div>
    );
  }
  if (!list.data) {
    return (
      <p className="state" role="status">
        Loading datasets…
      </p>
    );
  }

  const { total, offset, datasets } = list.data;
  const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
  const updating = list.isFetching;

  if (total === 0) {
    return (
      <div className="state" role="status">
        <p>No datasets match these filters.</p>
        {props.anyFilter && (
          <button type="button" className="secondary" onClick={props.onClear}>
            Clear filters
          </button>
        )}
      </div>
    );
  }
  if (datasets.length === 0) {
    return (
      <div className="state" role="status">
        <p>
          Page {filters.page} is past the end: there are {formatCount(total)} datasets ({pages}{' '}
          {pages === 1 ? 'page' : 'pages'}).
        </p>
        <button type="button" className="secondary" onClick={() => props.onPage(1)}>
          Go to the first page
        </button>
      </div>
    );
  }

  const range = `${formatCount(offset + 1)}–${formatCount(offset + datasets.length)} of ${formatCount(total)}`;
  return (
    <>
      <div className="results-head">
        <p className="range" id="range" data-testid="range" aria-live="polite">
          {range}
        </p>
        {updating && (
          <p className="muted" role="status">
            Updating…
          </p>
        )}
      </div>
      <div className="table-wrap">
        <table className={updating ? 'stale' : undefined} aria-busy={updating} aria-describedby="range">
          <caption className="sr-only">Datasets</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Category</th>
              <th scope="col">Source</th>
              <th scope="col">Trust level</th>
              <th scope="col" className="num">
                Samples
              </th>
              <th scope="col">Updated</th>
            </tr>
          </thead>
          <tbody>
            {datasets.map((dataset) => (
              <tr
                key={dataset.id}
                className="clickable"
                onClick={(event) => {
                  // A click anywhere in the row opens the dataset (the name is its link, for keyboards).
                  if (!(event.target as HTMLElement).closest('a')) navigate(datasetPath(dataset.id));
                }}
              >
                <th scope="row">
                  <a
                    className="name"
                    href={datasetPath(dataset.id)}
                    onClick={(event) => followLink(event, datasetPath(dataset.id))}
                  >
                    {dataset.name}
                  </a>
                  {dataset.description && <span className="description">{dataset.description}</span>}
                </th>
                <td>
                  {dataset.category ? <code>{dataset.category}</code> : <span className="muted">—</span>}
                </td>
                <td className="nowrap">{SOURCE_LABEL[dataset.source]}</td>
                <td>
                  <span className={`trust trust-${dataset.trust_level}`}>{dataset.trust_level}</span>
                </td>
                <td className="num">{formatCount(dataset.sample_count)}</td>
                <td>
                  {dataset.updated_at ? (
                    <time dateTime={dataset.updated_at} title={dataset.updated_at}>
                      {formatDate(dataset.updated_at)}
                    </time>
                  ) : (
                    '—'
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <nav className="pager" aria-label="Pagination">
        <button
          type="button"
          className="secondary"
          disabled={filters.page <= 1}
          onClick={() => props.onPage(filters.page - 1)}
        >
          Previous
        </button>
        <span>
          Page {filters.page} of {pages}
        </span>
        <button
          type="button"
          className="secondary"
          disabled={filters.page >= pages}
          onClick={() => props.onPage(filters.page + 1)}
        >
          Next
        </button>
      </nav>
    </>
  );
}
