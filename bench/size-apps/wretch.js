// wretch doing what one-request.js does: a base URL, one GET, JSON parsed.
import wretch from "wretch";

const api = wretch("https://api.example.com/v1/");
console.log(await api.get("users/1").json());
