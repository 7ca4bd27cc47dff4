export { type Context, type Credential, createContext, credentialFromHeaders } from './context';
export {
  ApiError,
  type ApiErrorCode,
  clientDetail,
  INTERNAL_ERROR_MESSAGE,
  PAYLOAD_TOO_LARGE_MESSAGE,
  type ValidationIssue,
} from './errors';
export { isStorableText, MAX_INPUT_DEPTH } from './input-guard';
export { type AppRouter, appRouter } from './root';
export { UPDATE_NEEDS_A_FIELD } from './routers/datasets';
export * from './schemas/auth';
export * from './schemas/catalog';
export * from './schemas/datasets';
export * from './schemas/tokens';
export { type Answer, type AnswerCache, createAnswerCache, currentAnswer } from './services/answers';
export { installFromCatalog, listCatalog } from './services/catalog';
export { DATASET_NOT_FOUND, editableDataset, findDataset, READ_ONLY_DATASET } from './services/datasets';
export { createOrgWithAdminToken } from './services/orgs';
export {
  type FailedCredentialLimiter,
  perMinuteFailedCredentialLimiter,
  perMinuteRateLimiter,
  type RateBudget,
  type RateLimiter,
  type SharedCounters,
} from './services/rate-limit';
export {
  ExportQuery,
  type ExportRequest,
  exportSamples,
  IMPORT_MEDIA_TYPES,
  type ImportRequest,
  importIntoDataset,
  importSamples,
  MAX_IMPORT_BYTES,
  type SampleExport,
  sampleFile,
  type TransferFormat,
  UNSUPPORTED_IMPORT_MEDIA_TYPE,
} from './services/sample-transfer';
export {
  type Actor,
  authenticateToken,
  DEFAULT_SCOPES,
  hashToken,
  type IssuedToken,
  issueToken,
} from './services/tokens';
export type { ApiMeta } from './trpc';
