// The standalone decoders only: must not pull in the client.
import { lines, ndjson, sse } from "tierfetch";

const res = await fetch("https://api.example.com/events");
for await (const event of sse(res)) console.log(event, lines, ndjson);
