import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { RouterOutputs } from '@znyx/client';
import { type FormEvent, useId, useState } from 'react';
import { describeError, useSession } from './api';
import { datasetsHref } from './DatasetsView';
import { formatCount, formatDate, SOURCE_LABEL } from './format';
import { BASE, datasetPath, followLink, navigate } from './location';

type Dataset = RouterOutputs['datasets']['get'];
const SAMPLES_PAGE = 20;

/** The fields a dataset is created or edited with, as the form holds them. */
interface DatasetFields {
  name: string;
  description: string;
  category: string;
  isPublic: boolean;
}

function DatasetForm(props: {
  initial: DatasetFields;
  submitLabel: string;
  pending: boolean;
  error?: string;
  onSubmit: (fields: DatasetFields) => void;
  onCancel?: () => void;
}) {
  const [fields, setFields] = useState(props.initial);
  const id = useId();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    props.onSubmit(fields);
  };
  return (
    <form className="dataset-form" onSubmit={submit}>
      <label htmlFor={`${id}-name`}>Name</label>
      <input
        id={`${id}-name`}
        required
        maxLength={200}
        value={fields.name}
        onChange={(e) => setFields({ ...fields, name: e.target.value })}
      />
      <label htmlFor={`${id}-description`}>Description</label>
      <textarea
        id={`${id}-description`}
        maxLength={2000}
        rows={3}
        value={fields.description}
        onChange={(e) => setFields({ ...fields, description: e.target.value })}
      />
      <label htmlFor={`${id}-category`}>Category</label>
      <input
        id={`${id}-category`}
        placeholder="e.g. jailbreak"
        pattern="[A-Za-z0-9][A-Za-z0-9_\-]{0,63}"
        value={fields.category}
        onChange={(e) => setFields({ ...fields, category: e.target.value })}
      />
      <label className="check">
        <input
          type="checkbox"
          checked={fields.isPublic}
          onChange={(e) => setFields({ ...fields, isPublic: e.target.checked })}
        />{' '}
        Public
      </label>
      {props.error && (
        <p className="error" role="alert">
          {props.error}
        </p>
      )}
      <div className="actions">
        <button type="submit" disabled={props.pending}>
          {props.pending ? 'Saving…' : props.submitLabel}
        </button>
        {props.onCancel && (
          <button type="button" className="secondary" onClick={props.onCancel}>
            Cancel
          </button>
        )}
      </div>
    </form>
  );
}

/** `/console/datasets/new`: create one of the team's own datasets, then open it. */
export function NewDatasetForm() {
  const { client, whoami } = useSession();
  const queries = useQueryClient();
  const create = useMutation({
    mutationFn: (fields: DatasetFields) =>
      client.datasets.create.mutate({
        org_id: whoami.org.id,
        name: fields.name,
        description: fields.description || undefined,
        category: fields.category || undefined,
        is_public: fields.isPublic,
      }),
    onSuccess: async (dataset) => {
      await queries.invalidateQueries();
      navigate(datasetPath(dataset.id));
    },
  });
  return (
    <>
      <div className="page-head">
        <h1>New dataset</h1>
        <p className="muted">One of your team's own datasets; add its samples from a file once it exists.</p>
      </div>
      <div className="panel">
        <DatasetForm
          initial={{ name: '', description: '', category: '', isPublic: false }}
          submitLabel="Create dataset"
          pending={create.isPending}
          error={create.isError ? describeError('create the dataset', create.error) : undefined}
          onSubmit={(fields) => create.mutate(fields)}
          onCancel={() => navigate(BASE)}
        />
      </div>
    </>
  );
}

/** `/console/datasets/<id>`: a dataset's fields, its samples page by page, export, and for the team's own: import, edit, delete. */
export function DatasetPage({ id }: { id: string }) {
  const { client, whoami } = useSession();
  const orgId = whoami.org.id;
  const canWrite = whoami.token.scopes.includes('write');
  const dataset = useQuery({
    queryKey: ['datasets.get', { org_id: orgId, dataset_id: id }],
    queryFn: () => client.datasets.get.query({ org_id: orgId, dataset_id: id }),
  });
  const [editing, setEditing] = useState(false);

  if (dataset.isError) {
    return (
      <div className="state error" role="alert">
        <p>{describeError('load the dataset', dataset.error)}</p>
        <a href={BASE} onClick={(event) => followLink(event, BASE)}>
          Back to the datasets
        </a>
      </div>
    );
  }
  if (!dataset.data) {
    return (
      <p className="state" role="status">
        Loading the dataset…
      </p>
    );
  }
  const d = dataset.data;
  const own = d.source === 'customer';
  return (
    <>
      <div className="page-head">
        <p>
          <a href={datasetsHref()} onClick={(event) => followLink(event, datasetsHref())}>
            ← Datasets
          </a>
        </p>
        <h1>{d.name}</h1>
        {d.description && <p className="muted">{d.description}</p>}
      </div>
      <div className="panel">
        {editing ? (
          <EditDataset dataset={d} onDone={() => setEditing(false)} />
        ) : (
          <DatasetFieldsList dataset={d} />
        )}
        <div className="actions">
          <ExportButton dataset={d} format="jsonl" />
          <ExportButton dataset={d} format="csv" />
          {own && canWrite && !editing && (
            <button type="button" className="secondary" onClick={() => setEditing(true)}>
              Edit
            </button>
          )}
          {canWrite && <DeleteDataset dataset={d} />}
        </div>
        {own && canWrite && <ImportFile dataset={d} />}
      </div>
      <Samples dataset={d} />
    </>
  );
}

function DatasetFieldsList({ dataset: d }: { dataset: Dataset }) {
  return (
    <dl className="fields">
      <dt>Category</dt>
      <dd>{d.category ? <code>{d.category}</code> : '—'}</dd>
      <dt>Source</dt>
      <dd>{SOURCE_LABEL[d.source]}</dd>
      <dt>Trust level</dt>
      <dd>
        <span className={`trust trust-${d.trust_level}`}>{d.trust_level}</span>
      </dd>
      <dt>Samples</dt>
      <dd data-testid="sample-count">{formatCount(d.sample_count)}</dd>
      <dt>Public</dt>
      <dd>{d.is_public ? 'yes' : 'no'}</dd>
      <dt>Created</dt>
      <dd>
        <time dateTime={d.created_at}>{formatDate(d.created_at)}</time>
      </dd>
      <dt>Updated</dt>
      <dd>
        <time dateTime={d.updated_at} title={d.updated_at}>
          {formatDate(d.updated_at)}
        </time>
      </dd>
    </dl>
  );
}

function EditDataset({ dataset: d, onDone }: { dataset: Dataset; onDone: () => void }) {
  const { client, whoami } = useSession();
  const queries = useQueryClient();
  const update = useMutation({
    mutationFn: (fields: DatasetFields) =>
      client.datasets.update.mutate({
        org_id: whoami.org.id,
        dataset_id: d.id,
        name: fields.name,
        description: fields.description || null,
        category: fields.category || null,
        is_public: fields.isPublic,
      }),
    onSuccess: async () => {
      await queries.invalidateQueries();
      onDone();
    },
  });
  return (
    <DatasetForm
      initial={{
        name: d.name,
        description: d.description ?? '',
        category: d.category ?? '',
        isPublic: d.is_public,
      }}
      submitLabel="Save"
      pending={update.isPending}
      error={update.isError ? describeError('save the dataset', update.error) : undefined}
      onSubmit={(fields) => update.mutate(fields)}
      onCancel={onDone}
    />
  );
}

function DeleteDataset({ dataset: d }: { dataset: Dataset }) {
  const { client, whoami } = useSession();
  const queries = useQueryClient();
  const [confirming, setConfirming] = useState(false);
  const remove = useMutation({
    mutationFn: () => client.datasets.delete.mutate({ org_id: whoami.org.id, dataset_id: d.id }),
    onSuccess: async () => {
      queries.removeQueries({ queryKey: ['datasets.get', { org_id: whoami.org.id, dataset_id: d.id }] });
      await queries.invalidateQueries();
      navigate(datasetsHref());
    },
  });
  if (!confirming) {
    return (
      <button type="button" className="danger" onClick={() => setConfirming(true)}>
        Delete
      </button>
    );
  }
  return (
    <div className="confirm" role="alertdialog" aria-labelledby="confirm-delete">
      <p id="confirm-delete">
        Delete “{d.name}” and its {formatCount(d.sample_count)} samples? This cannot be undone.
      </p>
      {remove.isError && <p role="alert">{describeError('delete the dataset', remove.error)}</p>}
      <div className="actions">
        <button type="button" className="danger" disabled={remove.isPending} onClick={() => remove.mutate()}>
          Delete dataset
        </button>
        <button type="button" className="secondary" onClick={() => setConfirming(false)}>
          Cancel
        </button>
      </div>
    </div>
  );
}

/** Downloads an export: the REST endpoint needs the token in a header, so it is fetched, then saved. */
function ExportButton({ dataset: d, format }: { dataset: Dataset; format: 'jsonl' | 'csv' }) {
  const { token, whoami } = useSession();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const download = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const response = await fetch(
        `${window.location.origin}/v1/orgs/${whoami.org.id}/datasets/${d.id}/export?format=${format}`,
        { headers: { Authorization: `Bearer ${token}` } },
      );
      if (!response.ok) throw new Error(await detailOf(response));
      const name = /filename="([^"]+)"/.exec(response.headers.get('content-disposition') ?? '')?.[1];
      const url = URL.createObjectURL(await response.blob());
      const link = document.createElement('a');
      link.href = url;
      link.download = name ?? `dataset.${format}`;
      link.click();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (cause) {
      setError(`Could not export: ${cause instanceof Error ? cause.message : String(cause)}`);
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <button type="button" className="secondary" disabled={busy} onClick={download}>
        Export {format.toUpperCase()}
      </button>
      {error && <span role="alert">{error}</span>}
    </>
  );
}

async function detailOf(response: Response): Promise<string> {
  try {
    const { detail } = (await response.json()) as { detail: unknown };
    if (typeof detail === 'string') return detail;
    if (Array.isArray(detail)) {
      return detail
        .map((issue: { loc: (string | number)[]; msg: string }) => {
          const [where, line, ...field] = issue.loc;
          return where === 'body' && typeof line === 'number'
            ? `line ${line}${field.length ? ` (${field.join('.')})` : ''}: ${issue.msg}`
            : `${issue.loc.slice(1).join('.') || where}: ${issue.msg}`;
        })
        .join('; ');
    }
  } catch {
    // not JSON
  }
  return `HTTP ${response.status}`;
}

/** Uploads an NDJSON or CSV file to the import endpoint, with the upload's progress. */
function ImportFile({ dataset: d }: { dataset: Dataset }) {
  const { token, whoami } = useSession();
  const queries = useQueryClient();
  const [file, setFile] = useState<File>();
  const [progress, setProgress] = useState<number>();
  const [result, setResult] = useState<{ ok: boolean; text: string }>();
  const id = useId();
  const upload = () => {
    if (!file) return;
    const csv = /\.csv$/i.test(file.name) || file.type === 'text/csv';
    const request = new XMLHttpRequest();
    request.open('POST', `${window.location.origin}/v1/orgs/${whoami.org.id}/datasets/${d.id}/import`);
    request.setRequestHeader('Authorization', `Bearer ${token}`);
    request.setRequestHeader('Content-Type', csv ? 'text/csv' : 'application/x-ndjson');
    request.upload.onprogress = (event) => {
      if (event.lengthComputable) setProgress(event.loaded / event.total);
    };
    request.onload = async () => {
      setProgress(undefined);
      const response = new Response(request.responseText, { status: request.status });
      if (request.status === 201) {
        const { added, sample_count } = (await response.json()) as { added: number; sample_count: number };
        setResult({
          ok: true,
          text: `Imported ${formatCount(added)} samples; the dataset has ${formatCount(sample_count)}.`,
        });
        await queries.invalidateQueries();
      } else {
        setResult({ ok: false, text: `Nothing was imported: ${await detailOf(response)}` });
      }
    };
    request.onerror = () => {
      setProgress(undefined);
      setResult({ ok: false, text: 'Could not reach the API; nothing was imported.' });
    };
    setResult(undefined);
    setProgress(0);
    request.send(file);
  };
  return (
    <div className="import">
      <label htmlFor={`${id}-file`}>Import samples (NDJSON or CSV)</label>
      <input
        id={`${id}-file`}
        type="file"
        accept=".jsonl,.ndjson,.csv,application/x-ndjson,text/csv"
        onChange={(e) => setFile(e.target.files?.[0])}
      />
      <button type="button" disabled={!file || progress !== undefined} onClick={upload}>
        Import
      </button>
      {progress !== undefined && (
        <progress aria-label="Import progress" max={1} value={progress}>
          {Math.round(progress * 100)}%
        </progress>
      )}
      {result && (
        <p className={result.ok ? 'notice' : 'error'} role={result.ok ? 'status' : 'alert'}>
          {result.text}
        </p>
      )}
    </div>
  );
}

function Samples({ dataset: d }: { dataset: Dataset }) {
  const { client, whoami } = useSession();
  const [page, setPage] = useState(1);
  const input = {
    org_id: whoami.org.id,
    dataset_id: d.id,
    limit: SAMPLES_PAGE,
    offset: (page - 1) * SAMPLES_PAGE,
  };
  const samples = useQuery({
    queryKey: ['datasets.samples', input],
    queryFn: () => client.datasets.samples.query(input),
    placeholderData: keepPreviousData,
  });
  if (samples.isError) {
    return (
      <p className="state error" role="alert">
        {describeError('load the samples', samples.error)}
      </p>
    );
  }
  if (!samples.data) return <p role="status">Loading samples…</p>;
  const { total, samples: rows, notice } = samples.data;
  const pages = Math.max(1, Math.ceil(total / SAMPLES_PAGE));
  return (
    <section className="panel" aria-labelledby="samples-heading">
      <h2 id="samples-heading">Samples</h2>
      {notice && <p className="muted">{notice}</p>}
      {total === 0 ? (
        <p className="muted">No samples stored.</p>
      ) : (
        <>
          <div className="table-wrap">
            <table>
              <caption className="sr-only">Samples</caption>
              <thead>
                <tr>
                  <th scope="col" className="num">
                    #
                  </th>
                  <th scope="col">Input</th>
                  <th scope="col">Expected output</th>
                  <th scope="col">Metadata</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((sample, i) => (
                  <tr key={sample.id}>
                    <td className="num">{formatCount((page - 1) * SAMPLES_PAGE + i + 1)}</td>
                    <td className="sample-text">{sample.input}</td>
                    <td className="sample-text">{sample.expected_output ?? '—'}</td>
                    <td>{sample.metadata ? <code>{JSON.stringify(sample.metadata)}</code> : '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <nav className="pager" aria-label="Samples pages">
            <button
              type="button"
              className="secondary"
              disabled={page <= 1}
              onClick={() => setPage(page - 1)}
            >
              Previous
            </button>
            <span data-testid="samples-page">
              Page {page} of {pages}
            </span>
            <button
              type="button"
              className="secondary"
              disabled={page >= pages}
              onClick={() => setPage(page + 1)}
            >
              Next
            </button>
          </nav>
        </>
      )}
    </section>
  );
}
