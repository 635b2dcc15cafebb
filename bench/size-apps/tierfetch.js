// One JSON request with tierfetch's default client.
import { tierfetch } from "tierfetch";

const user = await tierfetch.get("https://api.example.com/users/1").json();
console.log(user);
