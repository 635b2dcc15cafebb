import { ofetch } from "ofetch";

const user = await ofetch("https://api.example.com/users/1");
console.log(user);
