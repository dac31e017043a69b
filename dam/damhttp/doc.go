// Package damhttp is the reference HTTP API of a dam.Library: JSON over
// HTTP under /api/v1, and the pages share guests and portal visitors open
// in a browser (/s/{token}, /p/{slug}).
//
//	srv := &http.Server{Addr: ":8080", Handler: damhttp.New(lib, nil)}
//
// New returns an http.Handler; mount it at "/" or under a prefix with
// http.StripPrefix. It does no background work: the host runs lib.Run and
// lib.RunJobs itself (see the dam package's QuickStart example), and
// passes Links(baseURL) in dam.Options so notifications link back here.
//
// # How a request flows
//
// The route table (one group of routes per area, in the file of that area)
// maps a method and a path to a handler. Authenticated routes read
// "Authorization: Bearer <API key>", turn it into a dam.Actor with
// Library.Authenticate, and put it in the request's context; share and
// portal routes get their actor from the token in the URL instead. A
// handler parses its input, calls one Library method, and writes the
// answer: the rules live in dam, not here.
//
// # Answers and errors
//
// Answers are JSON; lists are {"items": [...]}, with "next_cursor" when
// there is more.
// Durations are whole numbers with the unit in the name
// (grant_validity_days, validity_days). Every error is
// {"error": {"code": "...", "message": "..."}}, its status decided in one
// place from the dam.Kind: Invalid 400, Unauthenticated 401,
// PermissionDenied 403 (NeedsRequest and LicenceRequired too, with their
// own codes and what to do next), NotFound 404, AlreadyExists and Conflict
// 409, FailedPrecondition 412, Gone 410, TooLarge 413, ResourceExhausted
// 429, Canceled 499, Internal 500 (logged in detail, answered in general
// terms).
//
// # Input
//
// Input that cannot be parsed is refused with a 400 naming the field,
// never ignored. A JSON body is one object, sent as application/json (or
// without a Content-Type); another declared type (curl's -d sends a form
// type), null, an array, unknown fields, a value of the wrong type and
// trailing data are refused, and bodies are size-capped. Boolean query
// parameters are true/false or 1/0, times are RFC 3339. A multipart
// upload has its text fields first and exactly one "file" part last; a
// field the route does not take, a metadata field that is not a JSON
// object, a second file or a field after the file is refused.
//
// The whole API is described by the OpenAPI 3 document served at
// /api/v1/openapi.json (built from openapi/*.json); a test keeps it in step
// with the route table, and every request the package's HTTP tests make is
// validated, with its answer, against the served document (kin-openapi's
// openapi3filter), so the document and the server cannot drift apart.
// Empty lists are [] and empty maps {} in every answer, never null.
package damhttp
