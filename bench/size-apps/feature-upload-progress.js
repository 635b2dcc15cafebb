// The one-request app plus onUploadProgress on a POST.
import { createClient } from "tierfetch";

const api = createClient({ baseUrl: "https://api.example.com/v1/" });
console.log(await api.get("users/1").json());
await api.post("files", { body: new Blob(["x".repeat(1000)]), onUploadProgress: (p) => console.log(p.percent) });
