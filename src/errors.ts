import { GraphQLError } from 'graphql';

/**
 * The error codes clients can rely on, in `errors[].extensions.code`. Names follow Apollo Server's
 * own codes where they overlap.
 */
export enum ErrorCode {
  BAD_USER_INPUT = 'BAD_USER_INPUT',
  INTERNAL_SERVER_ERROR = 'INTERNAL_SERVER_ERROR',
}

/** An argument outside what the API accepts. `argument` names it, as the client wrote it. */
export class BadUserInputError extends GraphQLError {
  constructor(argument: string, message: string) {
    super(`${argument}: ${message}`, { extensions: { code: ErrorCode.BAD_USER_INPUT, argument } });
  }
}

/** What clients see instead of an error the gateway did not expect. */
export const MASKED_MESSAGE = 'Internal server error. Quote the request id to the operators.';

/** Whether an error was raised on purpose with a code the API documents. */
export function isExpected(error: unknown): boolean {
  return error instanceof GraphQLError && error.extensions?.code !== undefined &&
    error.extensions.code !== ErrorCode.INTERNAL_SERVER_ERROR;
}
