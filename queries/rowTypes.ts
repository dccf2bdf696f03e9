/** Column types the query functions' row schemas share. */
import { z } from 'zod';

/** A timestamp column as DuckDB gives it (a Date, or null), as an ISO string or null. */
export const isoInstant = z
  .date()
  .nullable()
  .transform((d) => (d ? d.toISOString() : null));
