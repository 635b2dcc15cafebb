/**
 * Validation of a JSON body with any Standard Schema (zod, valibot, arktype, ...), with no
 * schema library as a dependency: https://standardschema.dev
 */
import { ValidationError } from "../errors/validation-error.js";
import { check } from "../options/option-error.js";
import { redactUrl } from "../security/redact.js";
import { hold, isHoldable } from "./pending-response.js";
import type { StandardSchemaV1 } from "./standard-schema.js";

export type { StandardSchemaV1, StandardIssue, StandardResult } from "./standard-schema.js";

/**
 * Validates `value`; rejects with a ValidationError carrying the issues (`where` names the
 * response in its message).
 */
export async function validate<T>(schema: StandardSchemaV1<unknown, T>, value: unknown, where: string): Promise<T> {
  const result = await checkSchema(schema).validate(value);
  if (result.issues) throw new ValidationError(where, result.issues);
  return result.value;
}

/**
 * The JSON body of a request (or a Response), validated with a Standard Schema (zod, valibot,
 * arktype...): rejects with a ValidationError carrying the issues. Given what a request returns,
 * the body is read inside the attempt, as `.json()` reads it.
 * @example
 * import { validateJson } from "tierfetch";
 * const user = await validateJson(api.get("users/42"), UserSchema);
 */
export function validateJson<T>(source: { json(): Promise<unknown> } & PromiseLike<Response> | Response, schema: StandardSchemaV1<unknown, T>): Promise<T> {
  try {
    checkSchema(schema);
  } catch (error) {
    // Bad input: a client's request is never sent, a Response's body is left unread.
    if (isHoldable(source)) hold(source, error as TypeError, false);
    return Promise.reject(error);
  }
  return Promise.all([source.json(), source]).then(([value, response]) => validate(schema, value, response.url ? redactUrl(response.url) : "response"));
}

/** The schema's Standard Schema interface; a TypeError naming `schema` when it has none. */
function checkSchema<T>(schema: StandardSchemaV1<unknown, T>): StandardSchemaV1<unknown, T>["~standard"] {
  const std = schema?.["~standard"];
  check(typeof std?.validate === "function", "schema", "must implement Standard Schema v1");
  return std;
}
