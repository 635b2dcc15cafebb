import { TierfetchError, isTierfetchError } from "./tierfetch-error.js";
import type { StandardIssue } from "../schema.js";

/** A response body did not match the schema given to `.json(schema)`. */
export class ValidationError extends TierfetchError {
  override name = "ValidationError";
  /** What the schema reported. */
  readonly issues: ReadonlyArray<StandardIssue>;

  constructor(where: string, issues: ReadonlyArray<StandardIssue>) {
    const first = issues.slice(0, 3).map((i) => `${formatPath(i.path)}${i.message}`).join("; ");
    super(`${where}: the response body does not match the schema (${issues.length} issue${issues.length === 1 ? "" : "s"}): ${first}`, "ERR_VALIDATION");
    this.issues = issues;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), issues: this.issues.map((i) => ({ message: i.message, path: i.path?.map((p) => String(typeof p === "object" ? p.key : p)) })) };
  }
}

function formatPath(path: StandardIssue["path"]): string {
  if (!path || path.length === 0) return "";
  return `${path.map((p) => String(typeof p === "object" ? p.key : p)).join(".")}: `;
}

/** True for a {@link ValidationError}, across realms and library copies. */
export function isValidationError(value: unknown): value is ValidationError {
  return isTierfetchError(value) && value.code === "ERR_VALIDATION";
}
