// The one-request app plus the .sse() decoder shortcut.
import { createClient } from "tierfetch";

const api = createClient({ baseUrl: "https://api.example.com/v1/" });
console.log(await api.get("users/1").json());
for await (const event of api.get("events").sse()) console.log(event.data);
