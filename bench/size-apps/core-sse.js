// The core one-request app plus a stream read with the standalone sse() decoder.
import { createCoreClient, sse } from "tierfetch";

const api = createCoreClient({ baseUrl: "https://api.example.com/v1/" });
console.log(await api.get("users/1").json());
for await (const event of sse(await api.get("events"))) console.log(event.data);
