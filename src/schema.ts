/**
 * Validation of a JSON body with any Standard Schema (zod, valibot, arktype, ...), with no
 * schema library as a dependency: https://standardschema.dev
 */

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
 * Validates `value` with a schema the client checked is a Standard Schema; rejects with
 * `fail(issues)` (a ValidationError). Nothing here is imported from the client's modules, so
 * that bundlers keep the client in one chunk and only this lazy one apart.
 */
export async function validate<T>(schema: StandardSchemaV1<unknown, T>, value: unknown, fail: (issues: ReadonlyArray<StandardIssue>) => Error): Promise<T> {
  const result = await schema["~standard"].validate(value);
  if (result.issues) throw fail(result.issues);
  return result.value;
}
