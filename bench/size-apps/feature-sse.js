// The one-request app plus an SSE stream read from a request with sse(), reconnecting.
import { createClient, sse } from "tierfetch";

const api = createClient({ baseUrl: "https://api.example.com/v1/" });
console.log(await api.get("users/1").json());
for await (const event of sse(api.get("events"), { reconnect: true })) console.log(event.data);
