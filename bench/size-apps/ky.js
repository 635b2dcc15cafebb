import ky from "ky";

const user = await ky.get("https://api.example.com/users/1").json();
console.log(user);
