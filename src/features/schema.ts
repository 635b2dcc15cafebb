/**
 * Validation of a JSON body with any Standard Schema (zod, valibot, arktype, ...), with no
 * schema library as a dependency: https://standardschema.dev
 */
import { ValidationError } from "../errors/validation-error.js";
import { check } from "../options/option-error.js";
import type { StandardSchemaV1 } from "./standard-schema.js";

export type { StandardSchemaV1, StandardIssue, StandardResult } from "./standard-schema.js";

/**
 * Validates `value`; rejects with a ValidationError carrying the issues (`where` names the
 * response in its message).
 */
export async function validate<T>(schema: StandardSchemaV1<unknown, T>, value: unknown, where: string): Promise<T> {
  const std = schema?.["~standard"];
  check(typeof std?.validate === "function", "schema", "must implement Standard Schema v1");
  const result = await std.validate(value);
  if (result.issues) throw new ValidationError(where, result.issues);
  return result.value;
}
