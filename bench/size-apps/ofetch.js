// ofetch doing what one-request.js does: a client with a base URL, one GET, JSON parsed.
import { ofetch } from "ofetch";

const api = ofetch.create({ baseURL: "https://api.example.com/v1/" });
console.log(await api("users/1"));
