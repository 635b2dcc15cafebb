// axios doing what one-request.js does: a client with a base URL, one GET, JSON parsed.
import axios from "axios";

const api = axios.create({ baseURL: "https://api.example.com/v1/" });
console.log((await api.get("users/1")).data);
