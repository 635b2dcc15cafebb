// The one-request app plus lines() and ndjson() read from a request.
import { createClient, lines, ndjson } from "tierfetch";

const api = createClient({ baseUrl: "https://api.example.com/v1/" });
console.log(await api.get("users/1").json());
for await (const line of lines(api.get("log"))) console.log(line);
for await (const row of ndjson(api.get("rows"))) console.log(row);
