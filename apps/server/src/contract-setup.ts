/**
 * A vitest `setupFiles` entry (`@znyx/server/contract-setup`) for every package whose tests
 * talk to a real server: each response any server of the app sends during a test is checked
 * against openapi.json, and the test fails if one departs from it.
 *
 * Every Express app served in the test process is recorded, however the test started it
 * (startTestServer, startServer, app.listen): node's `http.Server#listen` is wrapped before any
 * server exists, and records the servers whose request listener is an Express app. Plain
 * node:http servers that a test writes to misbehave on purpose are not apps of this service
 * and are left alone.
 */
import { Server as HttpServer } from 'node:http';
import { afterAll, afterEach } from 'vitest';
import { committedContract, describeViolation } from './openapi-contract';
import {
  markResponsesChecked,
  type RecordedResponse,
  recordResponses,
  takeRecordedResponses,
} from './response-recorder';

const WRAPPED = Symbol.for('znyx.contract-setup.listen');
const httpServer = HttpServer.prototype as unknown as Record<PropertyKey, unknown> & {
  listen: (this: HttpServer, ...args: unknown[]) => HttpServer;
};
if (!httpServer[WRAPPED]) {
  const listen = httpServer.listen;
  httpServer.listen = function (this: HttpServer, ...args: unknown[]) {
    if (this.listeners('request').some(isExpressApp)) recordResponses(this);
    return listen.apply(this, args);
  };
  httpServer[WRAPPED] = true;
}

/** An Express app is a request listener with Express's `handle` and its request prototype. */
function isExpressApp(listener: unknown): boolean {
  const app = listener as { handle?: unknown; request?: unknown };
  return typeof listener === 'function' && typeof app.handle === 'function' && app.request !== undefined;
}
markResponsesChecked();

const MAX_REPORTED = 20;

/** Throws one readable error listing every recorded response that breaks the contract. */
export function checkRecordedResponses(): void {
  const contract = committedContract();
  const violations: string[] = [];
  for (const response of takeRecordedResponses()) {
    const observed = { ...response, bodyOmitted: response.truncated };
    const result = contract.check(observed);
    if (result.problems.length > 0) violations.push(withBody(response, describeViolation(observed, result)));
  }
  if (violations.length === 0) return;
  const shown = violations.slice(0, MAX_REPORTED);
  const more = violations.length - shown.length;
  throw new Error(
    `${violations.length} response(s) sent during this test do not match openapi.json:\n\n${shown.join('\n\n')}` +
      (more > 0 ? `\n\n… and ${more} more` : ''),
  );
}

function withBody(response: RecordedResponse, text: string): string {
  const body = response.body.toString('utf8');
  const preview = body.length > 300 ? `${body.slice(0, 300)}…` : body;
  return `${text}\n  body: ${preview || '(empty)'}`;
}

afterEach(() => {
  checkRecordedResponses();
});
// Responses sent from beforeAll/afterAll hooks, or after the last test's own checks.
afterAll(() => {
  checkRecordedResponses();
});
