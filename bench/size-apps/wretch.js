import wretch from "wretch";

const user = await wretch("https://api.example.com/users/1").get().json();
console.log(user);
