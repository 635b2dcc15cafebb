import { up } from "up-fetch";

const upfetch = up(fetch);
const user = await upfetch("https://api.example.com/users/1");
console.log(user);
