import type { RouterOutputs } from '@znyx/client';
import type { Source } from './location';

export type DatasetPage = RouterOutputs['datasets']['list'];
export type CatalogEntry = RouterOutputs['datasets']['catalog']['entries'][number];
export type ApiToken = RouterOutputs['tokens']['list']['tokens'][number];

export const SOURCE_LABEL: Record<Source, string> = {
  znyx_sample: 'ZNYX sample',
  industry_standard: 'Industry standard',
  customer: 'Custom',
};

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });

export const formatDate = (iso: string) => dateFormat.format(new Date(iso));

const numberFormat = new Intl.NumberFormat('en-US');

export const formatCount = (n: number) => numberFormat.format(n);

const dateTimeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

export const formatDateTime = (iso: string) => dateTimeFormat.format(new Date(iso));
