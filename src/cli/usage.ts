/** The help text and the one-line hint printed after a usage error. */

export const USAGE_HINT = "Try 'tierfetch --help' for usage.";

export const HELP = `Usage: tierfetch [METHOD] URL [options]

Sends one HTTP request. The response body goes to stdout (JSON pretty-printed);
the status line, headers, retries and progress go to stderr.

Request:
  METHOD                  GET, or POST when a body is given; any other method by name
  URL                     https:// is added when no scheme is typed (http:// for
                          localhost and 127.x); :3000/path means http://localhost:3000/path
  -H, --header 'N: v'     add a request header (repeatable); 'Name:' removes a default
      --query k=v         add a query parameter (repeatable)
      --json DATA         send DATA as JSON (checked first); @file or @- reads a file or stdin
      --data DATA         send DATA as the body, byte for byte; @file or @- reads a file or stdin
      --token-env VAR     send the token held in environment variable VAR as
                          'Authorization: Bearer ...' (never printed)
      --allow-http        allow that token over plain http to a non-loopback host
      --timeout T         short (5s), medium (30s), long (6m), none, or a duration such as
                          10s or 1m30s; bounds each attempt including the body.
                          Default: medium; none for --lines, --ndjson, --sse and -o
      --idle-timeout T    longest silence between body chunks; default 1m for --lines,
                          --ndjson, --sse and -o, none otherwise
      --retries N         retries after the first attempt (default 4, 0 disables). GET, PUT,
                          DELETE... retry on 408/429/5xx, network errors and timeouts; POST and
                          PATCH only on 429 and 503

Response:
      --lines             print the body line by line as it arrives
      --ndjson            print NDJSON as it arrives, one compact JSON value per line
      --sse               print Server-Sent Events as they arrive, one JSON object per line:
                          {"event":"message","id":"7","data":"..."}
  -o, --output FILE       write the body to FILE byte for byte (progress bar on a terminal)
      --raw               print the body unchanged (no JSON pretty-printing)
  -v, --verbose           also print the request and response headers (secrets redacted)
  -q, --quiet             print nothing on stderr but errors
      --no-color          no colours (also NO_COLOR=1); FORCE_COLOR=1 forces them
  -h, --help              show this help
      --version           show the version

Exit status: 0 success, 1 network error, timeout or other failure, 2 bad arguments,
4 HTTP 4xx, 5 HTTP 5xx, 130 interrupted.

Examples:
  tierfetch api.github.com/repos/nodejs/node
  tierfetch POST :3000/items --json '{"name":"tea"}' --token-env API_TOKEN
  tierfetch https://example.com/events --sse
  tierfetch https://example.com/big.iso -o big.iso
`;
