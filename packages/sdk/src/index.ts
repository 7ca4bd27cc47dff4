export type {
  ApiToken,
  CallOptions,
  CatalogEntry,
  CatalogPage,
  CatalogParams,
  CreateDatasetParams,
  CreatedToken,
  CreateTokenParams,
  Dataset,
  DatasetFacets,
  DatasetFilters,
  DatasetPage,
  DatasetSource,
  GetDatasetParams,
  InstallParams,
  InstallResult,
  IterateDatasetsParams,
  ListDatasetsParams,
  ListTokensParams,
  NewSample,
  RevokeTokenParams,
  Sample,
  SamplePage,
  SamplesParams,
  TokenKind,
  TokenPage,
  TrustLevel,
  Whoami,
  ZnyxClient,
  ZnyxOptions,
} from './client';
export { createZnyx, DEFAULT_BASE_URL } from './client';
export type { ValidationIssue, ZnyxApiErrorInit } from './errors';
export { ZnyxApiError, ZnyxNetworkError } from './errors';
export type { components, operations, paths } from './schema.generated';
export type { FetchLike, Sleep } from './transport';
