import { authRouter } from './routers/auth';
import { datasetsRouter } from './routers/datasets';
import { router } from './trpc';

/** Every procedure of the API. REST (trpc-to-openapi) and /trpc both serve this router. */
export const appRouter = router({
  auth: authRouter,
  datasets: datasetsRouter,
});

export type AppRouter = typeof appRouter;
