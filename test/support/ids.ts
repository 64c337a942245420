import { parseGlobalId } from '../../src/global-ids';

/** The store's id inside a global id the graph gave (`Node.id`): what store reads and error messages name. */
export function storeId(globalId: string): string {
  const parsed = parseGlobalId(globalId);
  if (!parsed) throw new Error(`${globalId} is not a global id`);
  return parsed.databaseId;
}
