import { isRecord } from './api-client';

/** A runtime check of one property of an API body. */
export type Check = (value: unknown) => boolean;

export const isString: Check = (value) => typeof value === 'string';
export const isNumber: Check = (value) => typeof value === 'number' && Number.isFinite(value);
export const isBoolean: Check = (value) => typeof value === 'boolean';
export const isNullableString: Check = (value) => value === null || isString(value);
/** A property the contract lets the API leave out or send as null. */
export const optional =
  (check: Check): Check =>
  (value) =>
    value === undefined || value === null || check(value);
export function arrayOf<T>(check: (value: unknown) => value is T): (value: unknown) => value is T[];
export function arrayOf(check: Check): Check;
export function arrayOf(check: Check): Check {
  return (value) => Array.isArray(value) && value.every(check);
}

/**
 * A shape check (types, not the contract's every rule) from one check per property: enough
 * that rendering cannot crash on a mismatched API version. Declare the checks with
 * `satisfies { [K in keyof T]-?: Check }` so a property added to the contract fails to compile.
 */
export function hasShape<T>(checks: Record<string, Check>) {
  return (value: unknown): value is T =>
    isRecord(value) && Object.entries(checks).every(([key, check]) => check(value[key]));
}
