/** The help text and the one-line hint printed after a usage error. */

export const USAGE_HINT = "Try 'tierfetch --help' for usage.";

export const HELP = `Usage: tierfetch [METHOD] URL [ITEM...] [options]

Sends one HTTP request. The response body goes to stdout: byte for byte into a pipe or
file, indented and coloured on a terminal. The status line, headers (-v), retries and
progress go to stderr.

Request:
  METHOD                  GET, or POST when a body is given; any other method by name
  URL                     https:// is added when no scheme is typed (http:// for localhost,
                          *.localhost, 127.x and [::1]); :3000/path means
                          http://localhost:3000/path. user:password@ in it is sent as
                          Basic auth (as -u) and never printed
  ITEM                    HTTPie request items:
                            name=value     JSON string field   (body {"name":"value"})
                            name:=json     raw JSON field      (count:=3, tags:='["a"]')
                            Header:value   request header      ('Header:' removes it)
                            name==value    query parameter
                            name=@file     a file's text as a JSON string field
                            name:=@file    a file's JSON as a field
                          a backslash escapes a separator (a\\=b=c)
  -X, --request METHOD    the method (curl)
  -H, --header 'N: v'     add a request header (repeatable); 'Name:' removes a default
  -d, --data DATA         send DATA as a form body (curl): repeated -d are joined with &;
                          @file or @- reads a file or stdin byte for byte
      --json DATA         send DATA as JSON (checked first); @file or @- reads a file or stdin
      --query k=v         add a query parameter (repeatable)
  -u, --user USER:PASS    Basic auth (curl; -a/--auth as HTTPie); refused over plain http
                          to another host unless --allow-http
      --token-env VAR     send the token held in environment variable VAR as
                          'Authorization: Bearer ...' (never printed)
      --allow-http        allow credentials over plain http to a non-loopback host
  -L, --location          follow redirects (also --follow); without it a 3xx is shown
  -m, --max-time SECONDS  curl's limit on the whole transfer: every attempt, the waits
                          between retries and the body; exit status 28 when it runs out
      --timeout T         short (5s), medium (30s), long (6m), none, or a duration such as
                          10s, 1m30s or 30d; bounds each attempt including the body.
                          Default: medium; none for --lines, --ndjson, --sse and -o
      --idle-timeout T    longest silence between body chunks; default 1m for --lines,
                          --ndjson, --sse and -o, none otherwise
      --retries N         retries after the first attempt, 0 to 100 (default 4, 0 disables;
                          also --retry).
                          GET, PUT, DELETE... retry on 408/429/5xx, network errors and
                          timeouts; POST and PATCH only on 429 and 503

Response:
  -i, --include           print the status line and response headers before the body
  -I, --head              send HEAD and print the status line and headers (curl)
      --lines             print the body line by line as it arrives
      --ndjson            print NDJSON as it arrives, one value per line
      --sse               print each Server-Sent Event's data as it arrives, one per line
  -o, --output FILE|DIR/  write the body to FILE byte for byte (DIR/: under the URL's file
                          name); progress bar on a terminal; no half-written file on failure;
                          -o - is stdout
  -O, --remote-name       save under the URL's file name here (curl; -o ./)
      --pretty MODE       all (indent and colour), colors, format or none; default all on a
                          terminal, none into a pipe or file
      --raw               the same as --pretty none
  -f, --fail              print no body for an HTTP error (the exit status says it)
  -v, --verbose           also print each request head as sent and the response headers
                          (secrets masked)
  -q, --quiet             print nothing on stderr but errors (also curl's -sS)
  -s, --silent            print nothing on stderr at all
      --no-color          no colours (also NO_COLOR=1); FORCE_COLOR=1 forces them
  -h, --help              show this help
      --version           show the version

Exit status: 0 success (also a 3xx without -L), 1 network error, timeout or other failure,
2 bad arguments, 4 HTTP 4xx, 5 HTTP 5xx, 28 -m/--max-time ran out, 130 interrupted.

Examples:
  tierfetch api.github.com/repos/nodejs/node
  tierfetch :3000/items name=tea count:=3 X-Trace:1 --token-env API_TOKEN
  tierfetch -X PUT -d 'a=1' -u alice:secret https://example.com/form
  tierfetch https://example.com/events --sse | jq .price
  tierfetch -L https://example.com/big.iso -o downloads/
`;
