// The one-request app plus pagination (Link: rel="next").
import { createClient } from "tierfetch";

const api = createClient({ baseUrl: "https://api.example.com/v1/" });
console.log(await api.get("users/1").json());
for await (const user of api.paginate("users")) console.log(user);
