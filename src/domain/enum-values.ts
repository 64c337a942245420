/**
 * The values of a GraphQL enum, as a list in the order given, checked by the compiler against the
 * enum's union type in src/generated/graphql.ts (made from the SDL by `npm run codegen`): a list
 * that leaves a value out, or names one the SDL does not have, does not compile.
 *
 *     export const OUTCOMES = valuesOf<CasualtyOutcome>()('KILLED', 'INJURED', ...);
 */
export function valuesOf<E extends string>() {
  return <const V extends readonly E[]>(...values: V & ([Exclude<E, V[number]>] extends [never] ? unknown : { missing: Exclude<E, V[number]> })): V => values;
}
