// up-fetch doing what one-request.js does: a base URL, one GET, JSON parsed.
import { up } from "up-fetch";

const api = up(fetch, () => ({ baseUrl: "https://api.example.com/v1/" }));
console.log(await api("users/1"));
