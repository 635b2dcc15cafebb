// The one-request app plus SSE with reconnection (Last-Event-ID).
import { createClient } from "tierfetch";

const api = createClient({ baseUrl: "https://api.example.com/v1/" });
console.log(await api.get("users/1").json());
for await (const event of api.get("events").sse({ reconnect: true })) console.log(event.data);
