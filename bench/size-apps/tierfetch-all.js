// tierfetch's whole public API.
import * as tierfetch from "tierfetch";

console.log(tierfetch);
