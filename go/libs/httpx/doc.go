// Package httpx holds the HTTP plumbing shared by Slipway's Go services:
// JSON responses with one error shape, JSON request decoding with strict
// checks, bearer-token authentication, request body limits, request logging
// and recovery middleware, JSON 404/405 for a ServeMux, and a server runner
// with timeouts and graceful shutdown. For clients that do not read JSON it
// also writes plain-text errors (WriteText), and for large transfers it
// offers progress-based deadlines (ProgressDeadlines) in place of whole-
// request timeouts.
//
// Every JSON error response has the same body:
//
//	{"error":{"code":"invalid_build","message":"human sentence","fields":{"digest":"..."}}}
//
// where "fields" is present only when there are per-field problems. What a
// message repeats of the client's input (a path, a key, an id) goes through
// Echo: at most MaxEcho characters, with control and bidi characters
// escaped.
package httpx
