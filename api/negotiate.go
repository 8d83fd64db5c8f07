package api

import (
	"strconv"
	"strings"
)

// accepted holds the weights (RFC 9110 §12.5.1) an Accept field gives the
// media types procesa can answer in; -1 for a type it does not list.
// Only exact media types count: wildcards such as curl's */* prefer
// nothing, so such a client keeps the JSON (or text) answers.
type accepted struct {
	html, json, text float64
}

// parseAccept reads an Accept value. Media types compare case-insensitively;
// a weight that is not a number in [0, 1] counts as 1. It does not allocate.
func parseAccept(accept string) accepted {
	a := accepted{-1, -1, -1}
	for accept != "" {
		var elem string
		elem, accept, _ = strings.Cut(accept, ",")
		media, params, _ := strings.Cut(elem, ";")
		q := 1.0
		for params != "" {
			var p string
			p, params, _ = strings.Cut(params, ";")
			if k, v, ok := strings.Cut(strings.TrimSpace(p), "="); ok && strings.EqualFold(strings.TrimSpace(k), "q") {
				if f, err := strconv.ParseFloat(strings.TrimSpace(v), 64); err == nil && f >= 0 && f <= 1 {
					q = f
				}
			}
		}
		switch media = strings.TrimSpace(media); {
		case strings.EqualFold(media, "text/html"), strings.EqualFold(media, "application/xhtml+xml"):
			a.html = max(a.html, q)
		case strings.EqualFold(media, "application/json"):
			a.json = max(a.json, q)
		case strings.EqualFold(media, "text/plain"):
			a.text = max(a.text, q)
		}
	}
	return a
}

// prefersHTML reports whether the client prefers a page: it lists text/html (or
// XHTML) with a weight above 0 and above those of JSON and plain text, as
// browsers do ("text/html,application/xhtml+xml,…,*/*;q=0.8").
func (a accepted) prefersHTML() bool { return a.html > 0 && a.html > a.json && a.html > a.text }

// prefersText reports whether the client prefers text/plain to JSON (netcat
// users asking for the one-line status).
func (a accepted) prefersText() bool { return a.text > 0 && a.text > a.json }

// wantsText reports whether an Accept value prefers text/plain to JSON.
func wantsText(accept string) bool { return parseAccept(accept).prefersText() }

// wantsHTML reports whether an Accept value prefers an HTML page.
func wantsHTML(accept string) bool { return parseAccept(accept).prefersHTML() }
