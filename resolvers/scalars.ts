import { DateTimeResolver } from 'graphql-scalars';

/** ISO 8601 date-times with a zone; anything else is refused with a message naming the value. */
export const DateTime = DateTimeResolver;
