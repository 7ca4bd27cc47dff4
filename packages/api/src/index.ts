export { type Context, type Credential, createContext, credentialFromHeaders } from './context';
export {
  ApiError,
  type ApiErrorCode,
  clientDetail,
  INTERNAL_ERROR_MESSAGE,
  type ValidationIssue,
} from './errors';
export { isStorableText, MAX_INPUT_DEPTH } from './input-guard';
export { type AppRouter, appRouter } from './root';
export * from './schemas/auth';
export * from './schemas/catalog';
export * from './schemas/datasets';
export * from './schemas/tokens';
export { type Answer, type AnswerCache, createAnswerCache, currentAnswer } from './services/answers';
export { installFromCatalog, listCatalog } from './services/catalog';
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
  type Actor,
  authenticateToken,
  DEFAULT_SCOPES,
  hashToken,
  type IssuedToken,
  issueToken,
} from './services/tokens';
export type { ApiMeta } from './trpc';
