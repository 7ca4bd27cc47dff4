import { authRouter } from './routers/auth';
import { datasetsRouter } from './routers/datasets';
import { tokensRouter } from './routers/tokens';
import { router } from './trpc';

/** Every procedure of the API. REST (trpc-to-openapi) and /trpc both serve this router. */
export const appRouter = router({
  auth: authRouter,
  datasets: datasetsRouter,
  tokens: tokensRouter,
});

export type AppRouter = typeof appRouter;
