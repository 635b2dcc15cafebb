import { TierfetchError, isTierfetchError } from "./tierfetch-error.js";
import type { StandardIssue } from "../features/standard-schema.js";

/** A response body did not match the schema given to `.json(schema)`. */
export class ValidationError extends TierfetchError {
  override name = "ValidationError";
  /** What the schema reported. */
  readonly issues: ReadonlyArray<StandardIssue>;

  constructor(where: string, issues: ReadonlyArray<StandardIssue>) {
    const first = issues.slice(0, 3).map((i) => `${i.path?.length ? `${pathOf(i).join(".")}: ` : ""}${i.message}`).join("; ");
    super(`${where}: the body does not match the schema (${issues.length} issue${issues.length === 1 ? "" : "s"}): ${first}`, "ERR_VALIDATION");
    this.issues = issues;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), issues: this.issues.map((i) => ({ message: i.message, path: i.path && pathOf(i) })) };
  }
}

/** An issue's path as strings (`{ key }` segments unwrapped). */
function pathOf(issue: StandardIssue): string[] {
  return issue.path!.map((p) => String(typeof p === "object" ? p.key : p));
}

/** True for a {@link ValidationError}, across realms and library copies. */
export function isValidationError(value: unknown): value is ValidationError {
  return isTierfetchError(value) && value.code === "ERR_VALIDATION";
}
