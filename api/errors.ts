import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from 'pino';
import type { z } from 'zod';

/** The fixed set of error codes the API returns, and the one table that maps them to statuses. */
export const ERROR_STATUS = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  too_many_requests: 429,
  unavailable: 503,
  internal: 500,
} as const;
export type ErrorCode = keyof typeof ERROR_STATUS;

export class ApiError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

export function validationError(issues: z.core.$ZodIssue[]): ApiError {
  return new ApiError(
    'bad_request',
    'The request is not valid',
    issues.map((i) => ({ path: i.path.join('.'), message: i.message, code: i.code })),
  );
}

export const notFoundRoute: RequestHandler = (req, _res, next) => {
  next(new ApiError('not_found', `No route ${req.method} ${req.path}`));
};

/** Every error leaves as `{error: {code, message, details?}}`; stack traces stay in the log. */
export const errorHandler =
  (logger: Pick<Logger, 'error'>): ErrorRequestHandler =>
  (err: unknown, _req, res, _next) => {
    let apiError: ApiError;
    if (err instanceof ApiError) {
      apiError = err;
    } else if (isBodyParserError(err)) {
      apiError =
        err.type === 'entity.too.large'
          ? new ApiError('payload_too_large', 'The request body is too large')
          : new ApiError('bad_request', 'The request body is not valid JSON');
    } else {
      logger.error({ err }, 'unhandled API error');
      apiError = new ApiError('internal', 'Internal error');
    }
    res.status(ERROR_STATUS[apiError.code]).json({
      error: {
        code: apiError.code,
        message: apiError.message,
        ...(apiError.details !== undefined ? { details: apiError.details } : {}),
      },
    });
  };

function isBodyParserError(err: unknown): err is { type: string } {
  return (
    typeof err === 'object' &&
    err !== null &&
    typeof (err as { type?: unknown }).type === 'string' &&
    'status' in err
  );
}
