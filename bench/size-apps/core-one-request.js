// One JSON request on the core client: the app the size target is about (createCoreClient, one GET, JSON parsed).
import { createCoreClient } from "tierfetch";

const api = createCoreClient({ baseUrl: "https://api.example.com/v1/" });
console.log(await api.get("users/1").json());
