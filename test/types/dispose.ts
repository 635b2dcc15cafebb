// Type test for the consumers whose lib has `esnext.disposable` (TypeScript 5.2+): the client
// is an AsyncDisposable, so `await using` closes it. Checked by test/types/run.mjs.
import { createClient, type Client } from "tierfetch";

export async function scoped(): Promise<void> {
  await using api = createClient({ baseUrl: "https://api.example.com/" });
  await api.get("users").json();
  const disposable: AsyncDisposable = api;
  const close: () => Promise<void> = api[Symbol.asyncDispose];
}

export async function scopedChild(): Promise<Client> {
  await using small = createClient({ baseUrl: "https://api.example.com/" }).extend({});
  await small.get("users").json();
  const disposable: AsyncDisposable = small.extend({});
  return small;
}

export function notSync(api: Client): void {
  // @ts-expect-error the client is async-disposable only
  using sync = api;
}
