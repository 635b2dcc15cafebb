// The one-request app plus Standard Schema validation of the JSON body (validateJson).
import { createClient, validateJson } from "tierfetch";

const api = createClient({ baseUrl: "https://api.example.com/v1/" });
const schema = { "~standard": { version: 1, vendor: "app", validate: (value) => ({ value }) } };
console.log(await validateJson(api.get("users/1"), schema));
