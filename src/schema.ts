/**
 * Validation of a JSON body with any Standard Schema (zod, valibot, arktype, ...), with no
 * schema library as a dependency: https://standardschema.dev
 */
import type { Kit } from "./lazy-kit.js";

/** The Standard Schema v1 interface, as far as tierfetch uses it. */
export interface StandardSchemaV1<Input = unknown, Output = Input> {
  readonly "~standard": {
    readonly version: 1;
    readonly vendor: string;
    readonly validate: (value: unknown) => StandardResult<Output> | Promise<StandardResult<Output>>;
    readonly types?: { readonly input: Input; readonly output: Output } | undefined;
  };
}

/** One problem a schema found. */
export interface StandardIssue {
  readonly message: string;
  readonly path?: ReadonlyArray<PropertyKey | { readonly key: PropertyKey }> | undefined;
}

export type StandardResult<Output> = { readonly value: Output; readonly issues?: undefined } | { readonly issues: ReadonlyArray<StandardIssue> };

/**
 * Validates `value`; rejects with a ValidationError carrying the issues (`where` names the
 * response in its message).
 */
export async function validate<T>(schema: StandardSchemaV1<unknown, T>, value: unknown, where: string, kit: Kit): Promise<T> {
  const std = schema?.["~standard"];
  kit.check(typeof std?.validate === "function", "schema", "must implement Standard Schema v1");
  const result = await std.validate(value);
  if (result.issues) throw new kit.ValidationError(where, result.issues);
  return result.value;
}
