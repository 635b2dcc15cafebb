// The one-request app plus json(schema), with a minimal Standard Schema.
import { createClient } from "tierfetch";

const User = { "~standard": { version: 1, vendor: "bench", validate: (value) => ({ value }) } };
const api = createClient({ baseUrl: "https://api.example.com/v1/" });
console.log(await api.get("users/1").json());
console.log(await api.get("users/2").json(User));
