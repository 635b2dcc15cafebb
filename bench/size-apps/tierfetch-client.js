// One JSON request through a configured client (base URL, header, query).
import { createClient } from "tierfetch";

const api = createClient({ baseUrl: "https://api.example.com/v1/", headers: { "x-app": "demo" } });
const user = await api.get("users/1", { query: { expand: "roles" } }).json();
console.log(user);
