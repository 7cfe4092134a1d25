/**
 * The one error type of the service. Domain code throws an ApiError carrying the API result code
 * (API.md) and a readable message; the app's error handler is the only place that turns it into an
 * HTTP answer.
 */
export class ApiError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export const invalid = (field: string, why: string) =>
  new ApiError(530, `invalid parameter ${field}: ${why}`);
