// The one-request app plus upload progress (trackUpload).
import { createClient, trackUpload } from "tierfetch";

const api = createClient({ baseUrl: "https://api.example.com/v1/" });
console.log(await api.get("users/1").json());
await api.post("files", { body: "data", onUploadProgress: trackUpload((p) => console.log(p.percent)) });
