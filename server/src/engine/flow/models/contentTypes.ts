/**
 * The source text of a content type (`"text/plain"`, `'application/json; charset=utf-8'`) that a browser does not
 * render as HTML: a response body declared so cannot run script (https://mimesniff.spec.whatwg.org/: browsers do not
 * sniff HTML out of these types when `X-Content-Type-Options: nosniff` is set, which Django and most stacks send).
 * Shared by the frameworks' response sinks (`unless` conditions).
 */
export const NOT_HTML = /^[rbuRBU]?['"](?:text\/(?:plain|csv|calendar|css)|application\/(?:json|[\w.+-]*\+json|xml|octet-stream|pdf|zip|javascript)|image\/)/;
