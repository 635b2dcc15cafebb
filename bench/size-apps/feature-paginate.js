// The one-request app plus paginate().
import { createClient, paginate } from "tierfetch";

const api = createClient({ baseUrl: "https://api.example.com/v1/" });
console.log(await api.get("users/1").json());
for await (const user of paginate(api, "users")) console.log(user);
