/**
 * The signed-in token lives in this tab's sessionStorage only: it survives a reload, is gone when
 * the tab closes, and is never written to the URL, a cookie or localStorage.
 */
const TOKEN_KEY = 'znyx.console.token';

export function readToken(): string | undefined {
  try {
    return sessionStorage.getItem(TOKEN_KEY) ?? undefined;
  } catch {
    return undefined;
  }
}

export function saveToken(token: string): void {
  sessionStorage.setItem(TOKEN_KEY, token);
}

export function clearToken(): void {
  try {
    sessionStorage.removeItem(TOKEN_KEY);
  } catch {
    // Storage disabled: there is nothing to clear.
  }
}
