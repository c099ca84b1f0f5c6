import type { NextFunction, Request, Response } from 'express';
import type { z } from 'zod';
import type { Principal } from '../domain/rbac';
import { validationError } from './errors';

/** The value, or a 400 carrying zod's issues. */
export function parse<T extends z.ZodType>(schema: T, value: unknown): z.infer<T> {
  const result = schema.safeParse(value);
  if (!result.success) throw validationError(result.error.issues);
  return result.data;
}

type AsyncHandler = (req: Request, res: Response) => Promise<void>;
/** An async handler whose failure reaches the error handler. */
export const route = (handler: AsyncHandler) => (req: Request, res: Response, next: NextFunction) => {
  handler(req, res).catch(next);
};

/** Who the request's token names. */
export const principalOf = (res: Response) => res.locals.principal as Principal;
