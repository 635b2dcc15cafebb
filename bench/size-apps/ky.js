// ky doing what one-request.js does: a client with a base URL, one GET, JSON parsed.
import ky from "ky";

const api = ky.create({ baseUrl: "https://api.example.com/v1/" });
console.log(await api.get("users/1").json());
