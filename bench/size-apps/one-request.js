// One JSON request: the app the size target is about (createClient, one GET, JSON parsed).
import { createClient } from "tierfetch";

const api = createClient({ baseUrl: "https://api.example.com/v1/" });
console.log(await api.get("users/1").json());
